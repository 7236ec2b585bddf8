import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { SigningKeyRecord, SigningKeyUse } from '../core/pool-model.js';
import type { Clock, PoolStore } from '../core/ports.js';
import { seal, unseal } from './seal.js';

const SEAL_CONTEXT = 'latchkey:signing-key';
/** Other instances pick up a rotation within this time. */
const RELOAD_MS = 60_000;
/**
 * The least time between reloads for unknown `kid`s. A request with an unknown kid
 * waits for the next reload rather than being refused (the key may have just been
 * created on another instance); made-up kids cost a wait, and the store at most
 * one query per interval.
 */
const UNKNOWN_KID_RELOAD_MS = 100;

export interface PublicJwk {
  kid: string;
  alg: 'RS256';
  kty: 'RSA';
  use: 'sig';
  n: string;
  e: string;
}

interface LoadedKey {
  kid: string;
  use: SigningKeyUse;
  active: boolean;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: PublicJwk;
}

export interface SigningKeysOptions {
  store: PoolStore;
  clock: Clock;
  /** Key that seals private keys at rest. */
  sealingKey: Uint8Array;
  /** How long a rotated-out key stays published. */
  overlapMs: number;
}

/**
 * The pool's RS256 signing keys, one active key per token use (ID and access
 * tokens get different `kid`s). Keys live in the store, sealed, so every
 * instance signs with the same keys; parsed KeyObjects are cached because
 * parsing a key per signature triples its cost.
 */
export class SigningKeys {
  readonly #options: SigningKeysOptions;
  #keys: LoadedKey[] = [];
  #loadedAt = 0;
  #loadStartedAt = 0;
  #loading: Promise<void> | null = null;

  constructor(options: SigningKeysOptions) {
    this.#options = options;
  }

  /** Loads the keys, creating the first pair when the store has none. */
  async init(): Promise<void> {
    await this.#reload();
    for (const use of ['id', 'access'] as const) {
      if (!this.#keys.some((k) => k.use === use && k.active)) await this.#create(use);
    }
    await this.#reload();
  }

  /** The active key for signing tokens of `use`. */
  async active(use: SigningKeyUse): Promise<{ kid: string; privateKey: KeyObject }> {
    await this.#refreshIfStale();
    const key = this.#keys.find((k) => k.use === use && k.active);
    if (!key) throw new Error(`no active ${use} signing key`);
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** Public key for a `kid`, including recently rotated-out keys. */
  async publicKey(kid: string): Promise<KeyObject | undefined> {
    const arrivedAt = Date.now();
    await this.#refreshIfStale();
    let key = this.#keys.find((k) => k.kid === kid);
    if (!key) {
      // A kid we have not seen may come from another instance: a rotation, or two
      // instances creating the first keys at once. Look again in a reload that
      // started after this request arrived.
      const wait = this.#loadStartedAt + UNKNOWN_KID_RELOAD_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Twice at most: the first may join a reload already under way when it arrived.
      for (let i = 0; i < 2 && this.#loadStartedAt < arrivedAt; i++) await this.#reload();
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key?.publicKey;
  }

  /** The JWKS document: every published key. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    await this.#refreshIfStale();
    return { keys: this.#keys.map((k) => k.jwk) };
  }

  /**
   * Creates new active keys for both uses; the old ones keep verifying (and
   * stay in the JWKS) for the overlap period, then disappear.
   */
  async rotate(): Promise<string[]> {
    const kids: string[] = [];
    const now = this.#options.clock.now();
    for (const use of ['id', 'access'] as const) {
      const kid = await this.#create(use);
      await this.#options.store.retireSigningKeys(
        use,
        kid,
        now,
        new Date(now.getTime() + this.#options.overlapMs),
      );
      kids.push(kid);
    }
    await this.#reload();
    return kids;
  }

  async #create(use: SigningKeyUse): Promise<string> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `${use}-${randomBytes(8).toString('hex')}`;
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const jwk = publicKey.export({ format: 'jwk' });
    const record: SigningKeyRecord = {
      kid,
      use,
      sealedPrivateKey: seal(this.#options.sealingKey, der, SEAL_CONTEXT),
      publicJwk: JSON.stringify({ kid, alg: 'RS256', kty: 'RSA', use: 'sig', n: jwk.n, e: jwk.e }),
      createdAt: this.#options.clock.now(),
      retiredAt: null,
      expiresAt: null,
    };
    await this.#options.store.insertSigningKey(record);
    return kid;
  }

  async #refreshIfStale(): Promise<void> {
    if (Date.now() - this.#loadedAt > RELOAD_MS) await this.#reload();
  }

  async #reload(): Promise<void> {
    this.#loading ??= (async () => {
      this.#loadStartedAt = Date.now();
      const records = await this.#options.store.listSigningKeys(this.#options.clock.now());
      this.#keys = records.map((record) => this.#load(record));
      this.#loadedAt = Date.now();
    })().finally(() => {
      this.#loading = null;
    });
    await this.#loading;
  }

  #load(record: SigningKeyRecord): LoadedKey {
    const der = unseal(this.#options.sealingKey, record.sealedPrivateKey, SEAL_CONTEXT);
    if (!der) throw new Error(`signing key ${record.kid} cannot be opened: was serverSecret changed?`);
    const privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    return {
      kid: record.kid,
      use: record.use,
      active: record.retiredAt === null,
      privateKey,
      publicKey: createPublicKey(privateKey),
      jwk: JSON.parse(record.publicJwk) as PublicJwk,
    };
  }
}
