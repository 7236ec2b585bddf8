/**
 * The Latchkey SDK on the web: `@latchkey/client` (WebAuthn in the browser).
 * iOS and Android use latchkey.native.ts instead.
 */
import { Latchkey } from '@latchkey/client';
import type { LatchkeyClient } from '@latchkey/client/core';
import type { LatchkeyAppConfig } from '../config/app-config';

export function createLatchkey(config: Pick<LatchkeyAppConfig, 'tenantId' | 'baseUrl'>): LatchkeyClient {
  return new Latchkey({ tenantId: config.tenantId, baseUrl: config.baseUrl });
}
