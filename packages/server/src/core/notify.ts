import type { CoreContext, RequestMeta } from './context.js';
import type { MailMessage } from './ports.js';

/**
 * Sends a security notice to the user's verified email, if notifications are on.
 * A failed notice is recorded but does not undo what it reports.
 */
export async function notifyUser(
  ctx: CoreContext,
  userId: string,
  message: (to: string) => MailMessage,
  meta: RequestMeta,
): Promise<void> {
  if (!ctx.policy.notifications) return;
  const user = await ctx.store.getUser(userId);
  if (!user?.email || !user.emailVerified) return;
  try {
    await ctx.mailer.send(message(user.email));
  } catch (error) {
    await ctx.store.appendEvent(
      {
        type: 'notification.failed',
        userId,
        ipAddress: meta.ipAddress,
        data: { reason: (error as Error).message },
      },
      ctx.clock.now(),
    );
  }
}
