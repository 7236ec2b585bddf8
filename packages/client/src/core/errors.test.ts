import { describe, expect, it } from 'vitest';
import { identifyWebAuthnError, PasskeyError } from './errors.js';

/** What @simplewebauthn/browser throws: a WebAuthnError whose name is the DOMException's. */
function simpleWebAuthnError(cause: DOMException, code: string): Error {
  const error = new Error(cause.message, { cause }) as Error & { code: string };
  error.name = cause.name;
  error.code = code;
  return error;
}

describe('identifyWebAuthnError (the documented DOMException table)', () => {
  it.each([
    ['NotAllowedError', 'get', 'user_canceled'],
    ['NotAllowedError', 'create', 'user_canceled'],
    ['InvalidStateError', 'create', 'matched_excluded_credential'],
    ['InvalidStateError', 'get', 'authenticator_error'],
    ['AbortError', 'get', 'aborted'],
    ['AbortError', 'create', 'aborted'],
    ['SecurityError', 'get', 'bad_configuration'],
    ['NotSupportedError', 'create', 'not_supported'],
    ['ConstraintError', 'create', 'not_supported'],
    ['TypeError', 'create', 'invalid_request'],
    ['UnknownError', 'get', 'authenticator_error'],
    ['DataError', 'get', 'unexpected_error'],
  ] as const)('%s during %s → %s', (name, ceremony, code) => {
    const raw = new DOMException(`the ${name}`, name);
    const direct = identifyWebAuthnError(raw, ceremony);
    expect(direct).toBeInstanceOf(PasskeyError);
    expect(direct.code).toBe(code);
    expect(direct.message).toBe(`the ${name}`);
    expect(direct.cause).toBe(raw);
    // The same through @simplewebauthn/browser's wrapper.
    expect(
      identifyWebAuthnError(simpleWebAuthnError(raw, 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY'), ceremony).code,
    ).toBe(code);
  });

  it('maps @simplewebauthn/browser support errors to not_supported', () => {
    expect(identifyWebAuthnError(new Error('WebAuthn is not supported in this browser'), 'get').code).toBe(
      'not_supported',
    );
    expect(identifyWebAuthnError(new Error('Browser does not support WebAuthn autofill'), 'get').code).toBe(
      'not_supported',
    );
    expect(
      identifyWebAuthnError(
        new Error(
          'No <input> with "webauthn" as the only or last value in its `autocomplete` attribute was detected',
        ),
        'get',
      ).code,
    ).toBe('not_supported');
  });

  it('keeps a PasskeyError as it is and survives non-errors', () => {
    const error = new PasskeyError('no_credential', 'none');
    expect(identifyWebAuthnError(error, 'get')).toBe(error);
    expect(identifyWebAuthnError('boom', 'get')).toMatchObject({ code: 'unexpected_error', message: 'boom' });
    expect(identifyWebAuthnError(undefined, 'create').code).toBe('unexpected_error');
  });
});
