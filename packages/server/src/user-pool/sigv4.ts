/**
 * Verification of AWS Signature Version 4 (`AWS4-HMAC-SHA256`) on incoming
 * requests, as AWS services do for their admin APIs.
 *
 * The canonical request is rebuilt from the request exactly as received:
 * - Canonical URI: the received (already percent-encoded) path, with empty,
 *   `.` and `..` segments normalised away, each segment URI-encoded again
 *   (the double encoding every AWS service except S3 uses).
 * - Canonical query: every `name=value` pair decoded and re-encoded with the
 *   RFC 3986 unreserved set, sorted by name then value; `X-Amz-Signature` is
 *   left out (presigned requests).
 * - Canonical headers: the headers named in `SignedHeaders`, in that order,
 *   values trimmed with inner runs of spaces/tabs collapsed.
 * - Payload hash: hex SHA-256 of the raw body. An `x-amz-content-sha256`
 *   header must equal it (`UNSIGNED-PAYLOAD` is refused: the body is what the
 *   admin operation acts on).
 *
 * Beyond a matching signature, the verifier requires `host` and `x-amz-date`
 * (header form) to be signed, plus `x-amz-target` whenever the request has
 * that header, because it selects the operation. The AWS SDK signs all three.
 *
 * Errors are {@link PoolError}s with the names and phrases AWS uses:
 * `MissingAuthenticationTokenException` (no signature at all),
 * `UnrecognizedClientException` (unknown access key id) and
 * `InvalidSignatureException` (everything else, including malformed
 * authorization data, which AWS reports as `IncompleteSignatureException`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { PoolError } from '../core/errors.js';

export interface SigV4Request {
  method: string;
  /** path + query exactly as received */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** the raw body bytes as received */
  body: string | Uint8Array;
}

export interface SigV4Options {
  service: string;
  region: string;
  now: Date;
  /** secret for an access key id, or undefined if unknown */
  secretFor(accessKeyId: string): string | undefined;
  /** Allowed distance between the request time and `now`; default 5 minutes. */
  maxSkewMs?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
/** AWS's limit for `X-Amz-Expires` (7 days). */
const MAX_PRESIGNED_TTL_S = 7 * 24 * 60 * 60;
const BASIC_ISO_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE_HEX = /^[0-9a-f]{64}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

export const MESSAGE_MISSING_TOKEN = 'Missing Authentication Token';
export const MESSAGE_UNKNOWN_KEY = 'The security token included in the request is invalid.';
export const MESSAGE_SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method.';

/** The authorization data of a request, from its header or its query. */
interface Authorization {
  credential: string;
  signedHeaders: string;
  signature: string;
  /** `x-amz-date` header or `X-Amz-Date` query parameter. */
  amzDate: string | undefined;
  /** Seconds a presigned request stays valid; undefined for header auth. */
  expiresS: number | undefined;
}

function invalid(message: string): PoolError {
  return new PoolError('InvalidSignatureException', message);
}

/**
 * Checks the SigV4 signature of `request` and returns the access key id that
 * made it.
 *
 * @throws PoolError `MissingAuthenticationTokenException`,
 *   `UnrecognizedClientException` or `InvalidSignatureException`.
 *
 * @example
 * ```ts
 * const { accessKeyId } = verifySigV4(
 *   { method: req.method, url: req.url, headers: req.headers, body: rawBody },
 *   { service: 'cognito-idp', region: 'us-east-1', now: new Date(), secretFor: (id) => keys.get(id) },
 * );
 * ```
 */
export function verifySigV4(request: SigV4Request, options: SigV4Options): { accessKeyId: string } {
  const headers = lowerCaseHeaders(request.headers);
  const { path, query } = splitUrl(request.url);
  const params = parseQuery(query);
  const auth = readAuthorization(headers, params);

  const date = parseAmzDate(auth.amzDate);
  const scope = parseCredential(auth.credential, options);
  const shortDate = auth.amzDate?.slice(0, 8) ?? '';
  if (scope.date !== shortDate) {
    throw invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${scope.date}' != '${shortDate}', from '${auth.amzDate ?? ''}'.`,
    );
  }
  const signedHeaders = parseSignedHeaders(auth.signedHeaders, headers, auth.expiresS !== undefined);

  const secret = options.secretFor(scope.accessKeyId);
  if (secret === undefined) {
    throw new PoolError('UnrecognizedClientException', MESSAGE_UNKNOWN_KEY);
  }
  checkTime(date, auth.expiresS, options);

  const payloadHash = hashPayload(request.body, headers);
  const canonicalRequest = [
    request.method,
    canonicalPath(path),
    canonicalQuery(params),
    ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(headers.get(name) ?? [])}`),
    '',
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/${TERMINATOR}`;
  const stringToSign = [ALGORITHM, auth.amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [scope.date, scope.region, scope.service, TERMINATOR].reduce<Buffer>(
    (key, part) => hmac(key, part),
    Buffer.from(`AWS4${secret}`, 'utf8'),
  );
  const expected = hmac(signingKey, stringToSign);
  const provided = auth.signature.toLowerCase();
  if (!SIGNATURE_HEX.test(provided) || !timingSafeEqual(expected, Buffer.from(provided, 'hex'))) {
    throw invalid(MESSAGE_SIGNATURE_MISMATCH);
  }
  return { accessKeyId: scope.accessKeyId };
}

/** Header values by lower-cased name; repeated names (any case) keep every value. */
function lowerCaseHeaders(raw: SigV4Request['headers']): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(...(Array.isArray(value) ? value : [value]));
    headers.set(key, values);
  }
  return headers;
}

function splitUrl(url: string): { path: string; query: string } {
  // Absolute-form request targets (`http://host/path`) carry the path after the authority.
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const withoutFragment = target.split('#', 1)[0] ?? '';
  const mark = withoutFragment.indexOf('?');
  return mark < 0
    ? { path: withoutFragment, query: '' }
    : { path: withoutFragment.slice(0, mark), query: withoutFragment.slice(mark + 1) };
}

/** Decoded query parameters in order of appearance (`+` is a literal plus, as in SigV4). */
function parseQuery(query: string): Array<[string, string]> {
  if (query === '') return [];
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    // Not valid percent-encoding: keep it as is; the signature will not match.
    return component;
  }
}

function readAuthorization(headers: Map<string, string[]>, params: Array<[string, string]>): Authorization {
  const header = headers.get('authorization');
  const presigned = params.some(([name]) =>
    ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].includes(name),
  );
  if (header === undefined && !presigned) {
    throw new PoolError('MissingAuthenticationTokenException', MESSAGE_MISSING_TOKEN);
  }
  if (header !== undefined && presigned) {
    throw invalid(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, ' +
        'Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (header !== undefined) {
    return parseAuthorizationHeader(header, headers.get('x-amz-date'));
  }
  return parsePresignedQuery(params);
}

function parseAuthorizationHeader(values: string[], amzDates: string[] | undefined): Authorization {
  if (values.length !== 1) {
    throw invalid('Authorization header must be sent exactly once.');
  }
  const value = (values[0] ?? '').trim();
  const space = value.search(/\s/);
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw invalid(`Unsupported AWS 'algorithm': '${algorithm}'. Expected '${ALGORITHM}'.`);
  }
  const fields = new Map<string, string>();
  const rest = space < 0 ? '' : value.slice(space).trim();
  for (const part of rest === '' ? [] : rest.split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw invalid(`Authorization header has a malformed element '${item}': expected 'Name=Value'.`);
    }
    const name = item.slice(0, eq);
    if (!['Credential', 'SignedHeaders', 'Signature'].includes(name)) {
      throw invalid(`Authorization header has an unexpected parameter '${name}'.`);
    }
    if (fields.has(name)) {
      throw invalid(`Authorization header repeats the '${name}' parameter.`);
    }
    fields.set(name, item.slice(eq + 1));
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw invalid(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  if (amzDates === undefined) {
    throw invalid("Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  if (amzDates.length !== 1) {
    throw invalid("'X-Amz-Date' header must be sent exactly once.");
  }
  return {
    credential: fields.get('Credential') ?? '',
    signedHeaders: fields.get('SignedHeaders') ?? '',
    signature: fields.get('Signature') ?? '',
    amzDate: amzDates[0],
    expiresS: undefined,
  };
}

function parsePresignedQuery(params: Array<[string, string]>): Authorization {
  const single = (name: string): string => {
    const values = params.filter(([key]) => key === name).map(([, value]) => value);
    if (values.length === 0 || values[0] === '') {
      throw invalid(`AWS query-string parameters must include '${name}'.`);
    }
    if (values.length > 1) {
      throw invalid(`AWS query-string parameter '${name}' must appear exactly once.`);
    }
    return values[0] ?? '';
  };
  const algorithm = single('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    throw invalid(`Unsupported AWS 'algorithm': '${algorithm}'. Expected '${ALGORITHM}'.`);
  }
  const expires = single('X-Amz-Expires');
  const expiresS = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresS >= 1 && expiresS <= MAX_PRESIGNED_TTL_S)) {
    throw invalid(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_TTL_S}.`);
  }
  return {
    credential: single('X-Amz-Credential'),
    signedHeaders: single('X-Amz-SignedHeaders'),
    signature: single('X-Amz-Signature'),
    amzDate: single('X-Amz-Date'),
    expiresS,
  };
}

function parseAmzDate(value: string | undefined): Date {
  const match = BASIC_ISO_DATE.exec(value ?? '');
  const [, y, mo, d, h, mi, s] = (match ?? []).map(Number);
  const date = match ? new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0)) : undefined;
  if (date === undefined || formatBasic(date) !== value) {
    throw invalid(
      `Date must be in ISO-8601 'basic format'. Got '${value ?? ''}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return date;
}

/** `yyyyMMddTHHmmssZ`. */
function formatBasic(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(credential: string, options: SigV4Options): Scope {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !region || !service || terminator === undefined) {
    throw invalid(
      `Credential must have the form '<AccessKeyId>/<yyyyMMdd>/<region>/<service>/${TERMINATOR}'; got '${credential}'.`,
    );
  }
  if (terminator !== TERMINATOR) {
    throw invalid(
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`,
    );
  }
  if (service !== options.service) {
    throw invalid(`Credential should be scoped to correct service: '${options.service}'.`);
  }
  if (region !== options.region) {
    throw invalid(`Credential should be scoped to a valid region, not '${region}'.`);
  }
  return { accessKeyId, date, region, service };
}

/**
 * The signed header names in the order given; each must be present and
 * `host`, `x-amz-date` (header auth) and a present `x-amz-target` must be among them.
 */
function parseSignedHeaders(list: string, headers: Map<string, string[]>, presigned: boolean): string[] {
  const names = list.split(';');
  for (const name of names) {
    if (!HEADER_NAME.test(name)) {
      throw invalid(`SignedHeaders must be lower-case header names separated by ';'; got '${list}'.`);
    }
  }
  const required: Array<[string, string]> = [['host', "'Host' or ':authority'"]];
  if (!presigned) required.push(['x-amz-date', "'X-Amz-Date'"]);
  if (headers.has('x-amz-target')) required.push(['x-amz-target', "'X-Amz-Target'"]);
  for (const [name, label] of required) {
    if (!names.includes(name)) {
      throw invalid(`${label} must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }
  for (const name of names) {
    if (!headers.has(name)) {
      throw invalid(`Header '${name}' is listed in SignedHeaders but is not present in the request.`);
    }
  }
  return names;
}

function checkTime(date: Date, expiresS: number | undefined, options: SigV4Options): void {
  const skew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = options.now.getTime();
  const skewLabel = skew % 60_000 === 0 ? `${skew / 60_000} min.` : `${skew / 1000} sec.`;
  const latest = now + skew;
  if (date.getTime() > latest) {
    throw invalid(
      `Signature not yet current: ${formatBasic(date)} is still later than ${formatBasic(new Date(latest))} ` +
        `(${formatBasic(options.now)} + ${skewLabel})`,
    );
  }
  const window = expiresS === undefined ? skew : expiresS * 1000;
  const earliest = now - window;
  if (date.getTime() < earliest) {
    const windowLabel = expiresS === undefined ? skewLabel : `${expiresS} sec.`;
    throw invalid(
      `Signature expired: ${formatBasic(date)} is now earlier than ${formatBasic(new Date(earliest))} ` +
        `(${formatBasic(options.now)} - ${windowLabel})`,
    );
  }
}

function hashPayload(body: string | Uint8Array, headers: Map<string, string[]>): string {
  const hash = createHash('sha256').update(body).digest('hex');
  const declared = headers.get('x-amz-content-sha256');
  if (declared !== undefined && (declared.length !== 1 || declared[0] !== hash)) {
    throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return hash;
}

/** The received path, normalised and URI-encoded once more per segment. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith('/') || path === '' ? '/' : '';
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${leading}${segments.map(uriEncode).join('/')}${trailing}`;
}

function canonicalQuery(params: Array<[string, string]>): string {
  return params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => compare(a, b) || compare(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonicalHeaderValue(values: string[]): string {
  return values
    .map((value) =>
      value
        .replace(/[\r\n]/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .replace(/^ | $/g, ''),
    )
    .join(',');
}

/** Percent-encodes every byte of the UTF-8 form except `A-Z a-z 0-9 - _ . ~`. */
function uriEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
