import { createHmac } from 'node:crypto';

/**
 * The Latchkey user id tracked for a Cognito username that does not exist: a
 * UUID-shaped value derived as HMAC-SHA256(secret, `${userPoolId}:${userName}`),
 * so it looks like a real Cognito `sub` in the (readable) track token. The same
 * username always gets the same id, so repeated attempts look like one
 * returning user; without the secret, ids cannot be linked to usernames.
 *
 * @example
 * ```ts
 * phantomUserId(secret, 'eu-west-1_AbCdEfGhI', 'nobody@example.com'); // '3b1f…-…-4…-…-…' (a v4-shaped UUID)
 * ```
 */
export function phantomUserId(secret: string | Uint8Array, userPoolId: string, userName: string): string {
  const hex = createHmac('sha256', secret).update(`${userPoolId}:${userName}`, 'utf8').digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
