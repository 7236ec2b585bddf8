import type { MailMessage } from '../core/ports.js';

/** What {@link otpMessage} needs. */
export interface OtpMessageInput {
  to: string;
  /** The one-time code, e.g. `"123456"`. */
  code: string;
  /** Minutes until the code expires; shown rounded to a whole minute (at least 1). */
  ttlMinutes: number;
  /** Name the user knows the service by (`relyingParty.name`). */
  appName: string;
}

/** What {@link authenticatorChangedMessage} needs. */
export interface AuthenticatorChangedInput {
  to: string;
  appName: string;
  change: 'added' | 'removed';
  /** The passkey's friendly name, if it has one. Shown quoted and shortened. */
  authenticatorName?: string | null;
  /** When the change happened; shown in UTC. */
  at: Date;
}

/** Longest passkey name shown (names are set by clients, so keep them from filling the mail). */
const MAX_NAME_LENGTH = 64;

/**
 * The email carrying a one-time sign-in code.
 *
 * The subject deliberately leaves the code out: subjects show in lock-screen
 * notification previews, where anyone holding the phone could read them.
 *
 * @example
 * ```ts
 * await mailer.send(otpMessage({ to: 'ada@example.com', code: '123456', ttlMinutes: 10, appName: 'Example' }));
 * ```
 */
export function otpMessage({ to, code, ttlMinutes, appName }: OtpMessageInput): MailMessage {
  const app = singleLine(appName);
  const expires = `It expires in ${formatMinutes(ttlMinutes)}.`;
  const ignore = "If you didn't ask for this code, you can ignore this email.";
  const never = `Never share it: ${app} will never ask you for this code.`;
  const text = [
    `Your ${app} verification code is:`,
    '',
    `    ${code}`,
    '',
    expires,
    '',
    ignore,
    never,
    '',
  ].join('\n');
  const html = page(
    `${escapeHtml(app)} verification code`,
    [
      `<p>Your ${escapeHtml(app)} verification code is:</p>`,
      `<p style="font-size:32px;font-weight:bold;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace;margin:24px 0">${escapeHtml(code)}</p>`,
      `<p>${escapeHtml(expires)}</p>`,
      `<p style="color:#555">${escapeHtml(ignore)} ${escapeHtml(never)}</p>`,
    ].join('\n'),
  );
  return { to, subject: `Your ${app} verification code`, text, html };
}

/**
 * The security notice sent when a passkey is added to or removed from an
 * account, so that the owner notices a change they did not make.
 */
export function authenticatorChangedMessage({
  to,
  appName,
  change,
  authenticatorName,
  at,
}: AuthenticatorChangedInput): MailMessage {
  const app = singleLine(appName);
  const headline =
    change === 'added'
      ? `A passkey was added to your ${app} account`
      : `A passkey was removed from your ${app} account`;
  const name = authenticatorName ? shorten(singleLine(authenticatorName), MAX_NAME_LENGTH) : '';
  const details = [...(name ? [`Passkey: "${name}"`] : []), `When: ${at.toUTCString()}`];
  const ok = 'If this was you, there is nothing to do.';
  const notYou =
    change === 'added'
      ? "If it wasn't, someone else may be able to sign in as you: sign in, remove the passkeys you don't recognize, and contact support."
      : "If it wasn't, someone else may have access to your account: sign in, review your passkeys, and contact support.";
  const text = [`${headline}.`, '', ...details, '', ok, notYou, ''].join('\n');
  const html = page(
    escapeHtml(headline),
    [
      `<p><strong>${escapeHtml(headline)}.</strong></p>`,
      `<p>${details.map(escapeHtml).join('<br>')}</p>`,
      `<p>${escapeHtml(ok)}</p>`,
      `<p>${escapeHtml(notYou)}</p>`,
    ].join('\n'),
  );
  return { to, subject: headline, text, html };
}

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Control characters (line breaks included) become single spaces. */
function singleLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function shorten(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

function formatMinutes(minutes: number): string {
  const whole = Number.isFinite(minutes) ? Math.max(1, Math.round(minutes)) : 1;
  return whole === 1 ? '1 minute' : `${whole} minutes`;
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${title}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#111;margin:0;padding:24px">',
    '<div style="max-width:480px;margin:0 auto">',
    body,
    '</div></body></html>',
    '',
  ].join('\n');
}

/** What {@link securityNoticeMessage} needs. */
export interface SecurityNoticeInput {
  to: string;
  appName: string;
  kind: 'codes_locked' | 'recovery_sign_in';
  at: Date;
}

/**
 * Security notices about the account's email codes: a lockout after too many
 * wrong codes, or a sign-in with an email code although the account has a passkey.
 *
 * @example
 * ```ts
 * await mailer.send(securityNoticeMessage({ to, appName: 'Example', kind: 'codes_locked', at: new Date() }));
 * ```
 */
export function securityNoticeMessage({ to, appName, kind, at }: SecurityNoticeInput): MailMessage {
  const app = singleLine(appName);
  const headline =
    kind === 'codes_locked'
      ? `Sign-in codes for your ${app} account are paused`
      : `Your ${app} account was signed in with an email code`;
  const body =
    kind === 'codes_locked'
      ? 'Too many wrong codes were entered. New codes will work again in a few minutes.'
      : 'Your account has a passkey, so an email code is only meant for recovery.';
  const notYou =
    "If this wasn't you, someone may be trying to get into your account: sign in with your passkey and contact support.";
  const when = `When: ${at.toUTCString()}`;
  const text = [`${headline}.`, '', body, when, '', notYou, ''].join('\n');
  const html = page(
    escapeHtml(headline),
    [
      `<p><strong>${escapeHtml(headline)}.</strong></p>`,
      `<p>${escapeHtml(body)}<br>${escapeHtml(when)}</p>`,
      `<p>${escapeHtml(notYou)}</p>`,
    ].join('\n'),
  );
  return { to, subject: headline, text, html };
}
