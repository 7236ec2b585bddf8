import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { PoolError } from '../core/errors.js';
import type { PoolContext } from './context.js';

/** Cognito's sign-up codes live 24 hours. */
const CODE_TTL_MS = 24 * 3600_000;
const MAX_ATTEMPTS = 5;

function hashCode(ctx: PoolContext, sub: string, code: string): string {
  return createHmac('sha256', ctx.codeKey).update(`${ctx.config.id}:${sub}:${code}`).digest('base64url');
}

/** Mails a fresh 6-digit sign-up confirmation code, replacing any earlier one. */
export async function sendConfirmationCode(ctx: PoolContext, sub: string, email: string): Promise<void> {
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  await ctx.store.setConfirmationCode({
    poolId: ctx.config.id,
    sub,
    codeHash: hashCode(ctx, sub, code),
    expiresAt: new Date(ctx.clock.now().getTime() + CODE_TTL_MS),
  });
  await ctx.mailer.send({
    to: email,
    subject: `Your ${ctx.appName} confirmation code`,
    text: `Your ${ctx.appName} confirmation code is ${code}.\n\nIt expires in 24 hours.`,
  });
}

/** Checks a sign-up code against the stored hash; each guess is counted first. */
export async function checkConfirmationCode(ctx: PoolContext, sub: string, code: string): Promise<void> {
  const mismatch = () =>
    new PoolError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  const stored = await ctx.store.getConfirmationCode(ctx.config.id, sub);
  if (!stored) throw mismatch();
  if ((await ctx.store.reserveConfirmationAttempt(ctx.config.id, sub, MAX_ATTEMPTS)) === null) {
    throw new PoolError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  }
  if (stored.expiresAt <= ctx.clock.now()) {
    throw new PoolError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }
  const expected = Buffer.from(stored.codeHash, 'base64url');
  const actual = Buffer.from(hashCode(ctx, sub, code), 'base64url');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw mismatch();
  await ctx.store.deleteConfirmationCode(ctx.config.id, sub);
}
