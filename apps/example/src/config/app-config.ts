/**
 * The app's configuration: the public half of the Latchkey dev server's
 * `.latchkey/dev.json` (or of any JSON file with the same fields), read by
 * `publicConfig` in app.config.ts and embedded in the bundle as `extra.latchkey`.
 * The secret key and the admin keys in that file never reach the bundle: only
 * the fields of {@link LatchkeyAppConfig} are copied.
 */

/** What the app needs; every field is public (it ships in the app). */
export interface LatchkeyAppConfig {
  /** The Latchkey auth API, e.g. `http://localhost:4000` (the SDK appends `/v1`). */
  baseUrl: string;
  /** The tenant id: public, authenticates usernameless passkey sign-in. */
  tenantId: string;
  /** The relying party id passkeys belong to (`localhost` in dev; your domain on devices). */
  rpId: string;
  /** The Cognito-compatible user pool, for `aws-amplify`. */
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Where Amplify sends user-pool calls (Latchkey's URL; omit for real AWS Cognito). */
  userPoolEndpoint?: string | undefined;
  /** The example's backend (passkey list, delete, add), which holds the secret key. */
  backendUrl: string;
}

/**
 * The config embedded in the bundle (`extra.latchkey`), or `undefined` with
 * `error` saying why (no config file when the bundle was made).
 */
export type EmbeddedConfig = { config: LatchkeyAppConfig } | { config?: undefined; error: string };
