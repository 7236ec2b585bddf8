import { AuthError } from '../core/errors.js';

/** Deepest nesting accepted in a request body; real requests need about 5. */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a request body: empty means `{}`, prototype keys are dropped, and
 * bodies nested deeper than {@link MAX_JSON_DEPTH} are refused before parsing.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH)
        throw new AuthError('invalid_request', 'The JSON body is nested too deeply.');
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  let nul = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) nul = true;
      return key === '__proto__' || key === 'constructor' ? undefined : value;
    });
  } catch {
    throw new AuthError('invalid_request', 'The body is not valid JSON.');
  }
  // No field of either API may hold U+0000, and PostgreSQL cannot store it in text:
  // refuse it here instead of failing (500) at the first query that binds it.
  if (nul) throw new AuthError('invalid_request', 'The body contains a NUL character (\\u0000).');
  return parsed;
}
