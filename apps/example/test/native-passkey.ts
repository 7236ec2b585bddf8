/**
 * `react-native-passkey` for the tests: its `Passkey` API over a software
 * authenticator (real P-256 keys, real attestation and assertions, the
 * server tests' SoftAuthenticator), answering as iOS does (standard base64,
 * `userHandle` as text, `cross-platform`) and rejecting with the library's
 * `{ error, message }` shapes. Installed by setup.ts with jest.mock.
 */
import {
  SoftAuthenticator,
  WebAuthnClientError,
} from '../../../packages/server/test/support/soft-authenticator';

type CreateOptions = Parameters<SoftAuthenticator['createCredential']>[0];
type GetOptions = Parameters<SoftAuthenticator['getAssertion']>[0];

/** What the next ceremony does: `ok`, or the user dismisses the sheet (also what failed user verification looks like). */
export type Behaviour = 'ok' | 'cancel';

export const device = {
  authenticator: new SoftAuthenticator(),
  behaviour: 'ok' as Behaviour,
  calls: [] as string[],
  /** The origin the platform writes into clientDataJSON (one the test server accepts). */
  origin: 'http://localhost:8081',
  /** A new, empty device. */
  reset() {
    device.authenticator = new SoftAuthenticator();
    device.behaviour = 'ok';
    device.calls = [];
  },
};

function rejection(error: unknown): never {
  if (error instanceof WebAuthnClientError) {
    if (error.name === 'InvalidStateError') {
      throw {
        error: 'CredentialAlreadyExists',
        message: 'The operation couldn’t be completed. (error 1006.)',
      };
    }
    if (error.name === 'NotAllowedError')
      throw { error: 'NoCredentials', message: 'No credentials available' };
  }
  throw { error: 'Native error', message: String(error) };
}

const canceled = { error: 'UserCancelled', message: 'The operation couldn’t be completed. (error 1001.)' };

function iosShape<T extends { type?: unknown; clientExtensionResults?: unknown }>(result: T) {
  const { type: _type, clientExtensionResults: _extensions, ...rest } = result;
  return { ...rest, authenticatorAttachment: 'cross-platform' };
}

async function assertion(request: GetOptions) {
  if (device.behaviour === 'cancel') throw canceled;
  const credential = device.authenticator.listCredentials(request.rpId)[0];
  const userHandle = credential ? Buffer.from(credential.userHandle, 'base64url').toString('utf8') : null;
  const result = await device.authenticator
    .getAssertion(request, { origin: device.origin, encoding: 'base64', userHandle })
    .catch(rejection);
  return iosShape(result);
}

export const Passkey = {
  isSupported: () => true,
  async create(request: CreateOptions) {
    device.calls.push('create');
    if (device.behaviour === 'cancel') throw canceled;
    const result = await device.authenticator
      .createCredential(request, { origin: device.origin, encoding: 'base64' })
      .catch(rejection);
    return iosShape(result);
  },
  async get(request: GetOptions) {
    device.calls.push('get');
    return assertion(request);
  },
  async getImmediate(request: GetOptions) {
    device.calls.push('getImmediate');
    return assertion(request);
  },
  async signalUnknownCredential() {},
};
