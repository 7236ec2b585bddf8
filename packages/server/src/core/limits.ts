import type { CoreContext, RequestMeta } from './context.js';
import { AuthError } from './errors.js';
import type { RateWindow } from './ports.js';

/**
 * Spends one hit of a rate limit kept in the store (so it holds across
 * instances), or throws `too_many_requests` and records the refusal.
 */
export async function enforceRateLimit(
  ctx: CoreContext,
  key: string,
  windows: readonly RateWindow[],
  meta: RequestMeta,
  context: { userId?: string | null } = {},
): Promise<void> {
  const active = windows.filter((w) => w.windowMs > 0);
  if (active.length === 0) return;
  const now = ctx.clock.now();
  if (await ctx.store.hitRateLimit(key, active, now)) return;
  await ctx.store.appendEvent(
    {
      type: 'rate_limited',
      userId: context.userId ?? null,
      ipAddress: meta.ipAddress,
      data: { key: key.split(':').slice(0, 2).join(':') },
    },
    now,
  );
  throw new AuthError('too_many_requests', 'Too many requests. Try again later.');
}
