import { describe, expect, it } from 'vitest';
import { DevMailbox } from './dev-mailbox.js';

function steppingClock(start = Date.parse('2030-01-01T00:00:00.000Z')) {
  let t = start;
  return {
    now: () => {
      const d = new Date(t);
      t += 1000;
      return d;
    },
  };
}

describe('DevMailbox', () => {
  it('lists a recipient’s messages newest first, with receivedAt from the clock', async () => {
    const box = new DevMailbox({ log: () => {}, clock: steppingClock() });
    await box.send({ to: 'ada@example.com', subject: 'one', text: '1' });
    await box.send({ to: 'bob@example.com', subject: 'other', text: 'x' });
    await box.send({ to: 'ada@example.com', subject: 'two', text: '2', html: '<p>2</p>' });

    const mails = box.list('ada@example.com');
    expect(mails.map((m) => m.subject)).toEqual(['two', 'one']);
    expect(mails[0]).toEqual({
      to: 'ada@example.com',
      subject: 'two',
      text: '2',
      html: '<p>2</p>',
      receivedAt: '2030-01-01T00:00:02.000Z',
    });
    expect(mails[1]?.receivedAt).toBe('2030-01-01T00:00:00.000Z');
    expect(box.list('nobody@example.com')).toEqual([]);
  });

  it('matches addresses case-insensitively', async () => {
    const box = new DevMailbox({ log: () => {} });
    await box.send({ to: 'Ada@Example.COM', subject: 'hi', text: 'x' });
    expect(box.list('ada@example.com')).toHaveLength(1);
    expect(box.list(' ADA@EXAMPLE.com ')).toHaveLength(1);
  });

  it('keeps only the newest messages up to its capacity', async () => {
    const box = new DevMailbox({ log: () => {}, capacity: 3 });
    for (let i = 1; i <= 5; i++) await box.send({ to: 'ada@example.com', subject: `m${i}`, text: '' });
    expect(box.size).toBe(3);
    expect(box.list('ada@example.com').map((m) => m.subject)).toEqual(['m5', 'm4', 'm3']);
  });

  it('defaults to keeping 1000 messages', async () => {
    const box = new DevMailbox({ log: () => {} });
    for (let i = 0; i < 1005; i++) await box.send({ to: 'a@b.c', subject: `m${i}`, text: '' });
    expect(box.size).toBe(1000);
    expect(box.list('a@b.c').at(-1)?.subject).toBe('m5');
  });

  it('prints each message as a readable block', async () => {
    const lines: string[] = [];
    const box = new DevMailbox({ log: (text) => lines.push(text), clock: steppingClock() });
    await box.send({ to: 'ada@example.com', subject: 'Your code', text: 'Code:\n\n    123456\n' });
    expect(lines).toHaveLength(1);
    const block = lines[0] ?? '';
    expect(block).toContain('ada@example.com');
    expect(block).toContain('Subject: Your code');
    expect(block).toContain('123456');
    expect(block).toContain('2030-01-01T00:00:00.000Z');
  });

  it('returns copies, so callers cannot alter what it holds', async () => {
    const box = new DevMailbox({ log: () => {} });
    await box.send({ to: 'a@b.c', subject: 's', text: 't' });
    const [mail] = box.list('a@b.c');
    if (mail) mail.subject = 'changed';
    expect(box.list('a@b.c')[0]?.subject).toBe('s');
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new DevMailbox({ capacity: 0 })).toThrow(RangeError);
  });
});
