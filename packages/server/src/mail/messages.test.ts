import { describe, expect, it } from 'vitest';
import { authenticatorChangedMessage, escapeHtml, otpMessage } from './messages.js';

describe('otpMessage', () => {
  const message = otpMessage({ to: 'ada@example.com', code: '048213', ttlMinutes: 10, appName: 'Example' });

  it('keeps the code out of the subject', () => {
    expect(message.to).toBe('ada@example.com');
    expect(message.subject).toBe('Your Example verification code');
    expect(message.subject).not.toContain('048213');
  });

  it('shows the code and its lifetime in text and html', () => {
    expect(message.text).toContain('    048213\n');
    expect(message.text).toContain('10 minutes');
    expect(message.html).toContain('>048213</p>');
    expect(message.html).toContain('10 minutes');
  });

  it('escapes the app name in html and keeps it on one line in the subject', () => {
    const evil = otpMessage({
      to: 'a@b.c',
      code: '1',
      ttlMinutes: 1,
      appName: '<script>x</script>\r\nBcc: e@f.g',
    });
    expect(evil.html).not.toContain('<script>');
    expect(evil.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(evil.subject).not.toMatch(/[\r\n]/);
    expect(evil.text).toContain('1 minute.');
  });
});

describe('authenticatorChangedMessage', () => {
  const at = new Date('2030-05-06T07:08:09Z');

  it('describes an added passkey with its name and time', () => {
    const m = authenticatorChangedMessage({
      to: 'ada@example.com',
      appName: 'Example',
      change: 'added',
      authenticatorName: 'iPhone <b>',
      at,
    });
    expect(m.subject).toBe('A passkey was added to your Example account');
    expect(m.text).toContain('Passkey: "iPhone <b>"');
    expect(m.text).toContain('Mon, 06 May 2030 07:08:09 GMT');
    expect(m.html).toContain('iPhone &lt;b&gt;');
    expect(m.html).not.toContain('<b>');
  });

  it('describes a removed passkey and shortens long names', () => {
    const m = authenticatorChangedMessage({
      to: 'a@b.c',
      appName: 'Example',
      change: 'removed',
      authenticatorName: 'x'.repeat(500),
      at,
    });
    expect(m.subject).toBe('A passkey was removed from your Example account');
    expect(m.text).not.toContain('x'.repeat(65));
    expect(m.text).toContain(`${'x'.repeat(63)}…`);
  });

  it('leaves the name line out when there is no name', () => {
    const m = authenticatorChangedMessage({
      to: 'a@b.c',
      appName: 'Example',
      change: 'added',
      authenticatorName: null,
      at,
    });
    expect(m.text).not.toContain('Passkey:');
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
