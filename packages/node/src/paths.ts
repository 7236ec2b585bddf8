/**
 * Percent-encodes one path segment, so a `userId` containing `/`, `?`, `#`, `%`
 * or spaces reaches the server as one segment.
 *
 * `''`, `'.'` and `'..'` cannot be carried by a URL path at all: the WHATWG URL
 * parser (which `fetch` uses) removes dot segments even when they are written
 * `%2e`, so `/users/../actions/x` would silently address another resource. They
 * are refused with a `TypeError`, a caller mistake.
 *
 * @example
 * ```ts
 * encodePathSegment('a/b c'); // 'a%2Fb%20c'
 * encodePathSegment('..'); // throws TypeError
 * ```
 */
export function encodePathSegment(value: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new TypeError(
      `A path segment (userId, action, id…) must be a non-empty string other than "." and ".."`,
    );
  }
  return encodeURIComponent(value);
}

/**
 * Tagged template for API paths: every interpolated value is one path segment,
 * encoded with {@link encodePathSegment}; the literal parts are kept as written.
 *
 * @example
 * ```ts
 * apiPath`/users/${'a/b'}/actions/${'signIn'}`; // '/users/a%2Fb/actions/signIn'
 * ```
 */
export function apiPath(literals: TemplateStringsArray, ...segments: readonly string[]): string {
  let result = literals[0] ?? '';
  segments.forEach((segment, index) => {
    result += encodePathSegment(segment) + (literals[index + 1] ?? '');
  });
  return result;
}

/**
 * A query string (with its `?`) from the entries whose value is neither
 * `undefined` nor `''`, in the given order; `''` when none remain.
 *
 * @example
 * ```ts
 * query({ email: 'a+b@example.com', limit: 10, token: undefined }); // '?email=a%2Bb%40example.com&limit=10'
 * ```
 */
export function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
