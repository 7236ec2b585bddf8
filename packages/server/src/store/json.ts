/**
 * Defensive JSON for text columns: stored JSON may have been written by another
 * version or by hand, so reads never throw and never hand back `__proto__` keys
 * that a later object merge could turn into prototype pollution.
 */

function stripProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text, stripProto);
  } catch {
    return null;
  }
}

/** Parses a JSON object column; anything but a plain object reads as null. */
export function parseJsonObject(text: string | null): Record<string, unknown> | null {
  const value = parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return value as Record<string, unknown>;
}

/** Parses a JSON array of strings; non-string items are dropped, anything else reads as []. */
export function parseJsonStringArray(text: string | null): string[] {
  const value = parse(text);
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string');
}

/** Serializes an optional JSON value for a text column. */
export function toJsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
