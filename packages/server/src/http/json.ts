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
  try {
    return JSON.parse(text, (key, value) =>
      key === '__proto__' || key === 'constructor' ? undefined : value,
    );
  } catch {
    throw new AuthError('invalid_request', 'The body is not valid JSON.');
  }
}
