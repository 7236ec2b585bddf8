/** The ids of the passkeys this device created or used, kept for `shouldPromptToCreatePasskey`. */
import type { KeyValueStorage } from './platform.js';

/**
 * A passkey this device is known to hold.
 *
 * @example
 * ```ts
 * const remembered: RememberedCredential = { credentialId: 'AbCd…', userId: 'user-1', username: 'ada@example.com' };
 * ```
 */
export interface RememberedCredential {
  credentialId: string;
  userId?: string | undefined;
  username?: string | undefined;
}

/** At most this many ids are kept (the server looks up at most 20 at once). */
const MAX_REMEMBERED = 20;

/**
 * The storage key for a tenant: `latchkey.passkeys.<tenant id>`, with
 * characters outside `[A-Za-z0-9._-]` replaced by `_` (expo-secure-store keys
 * allow only those). The value is a JSON array of {@link RememberedCredential}.
 *
 * @example
 * ```ts
 * credentialStorageKey('tenant/1'); // 'latchkey.passkeys.tenant_1'
 * ```
 */
export function credentialStorageKey(tenantId: string): string {
  return `latchkey.passkeys.${tenantId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * @internal
 * A credential id as canonical unpadded base64url. Platforms differ (iOS
 * sends standard padded base64), and the server answers in base64url.
 */
export function canonicalCredentialId(id: string): string {
  return id.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function parse(text: string | null): RememberedCredential[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (entry): entry is RememberedCredential =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as { credentialId?: unknown }).credentialId === 'string',
    );
  } catch {
    return [];
  }
}

/**
 * @internal
 * Remembered credential ids in the platform's storage. Storage failures
 * (private mode, quota, a locked keychain) are swallowed: remembering is a
 * hint, never a reason to fail a sign-in.
 */
export class CredentialStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  async list(): Promise<RememberedCredential[]> {
    try {
      return parse(await this.storage.getItem(this.key));
    } catch {
      return [];
    }
  }

  async remember(credential: RememberedCredential): Promise<void> {
    const entry = { ...credential, credentialId: canonicalCredentialId(credential.credentialId) };
    const others = (await this.list()).filter((c) => c.credentialId !== entry.credentialId);
    const next = [entry, ...others].slice(0, MAX_REMEMBERED);
    await this.write(next);
  }

  async forget(credentialIds: readonly string[]): Promise<void> {
    const forgotten = new Set(credentialIds.map(canonicalCredentialId));
    const all = await this.list();
    const next = all.filter((c) => !forgotten.has(canonicalCredentialId(c.credentialId)));
    if (next.length !== all.length) await this.write(next);
  }

  private async write(credentials: RememberedCredential[]): Promise<void> {
    try {
      if (credentials.length === 0) await this.storage.removeItem(this.key);
      else await this.storage.setItem(this.key, JSON.stringify(credentials));
    } catch {
      // Best effort, see the class comment.
    }
  }
}
