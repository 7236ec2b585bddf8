/** The client API (`/v1/client/*`), called by apps through a client SDK. */

import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actionForToken, assertActionCode } from '../core/actions.js';
import type { CoreContext, RequestMeta } from '../core/context.js';
import { challengeEmail, enrollEmail, verifyEmail } from '../core/email-otp.js';
import {
  addPasskey,
  authenticationOptions,
  lookupPasskey,
  registrationOptions,
  startSignIn,
  verifyPasskey,
} from '../core/passkeys.js';
import type { CredentialChecker } from './credentials.js';
import { presentAuthenticator } from './presenters.js';
import {
  addPasskeyBody,
  authenticationOptionsBody,
  challengeEmailBody,
  clientChallengeBody,
  enrollEmailBody,
  parse,
  registrationOptionsBody,
  verifyEmailBody,
  verifyPasskeyBody,
} from './schemas.js';

export interface AuthApiDeps {
  ctx: CoreContext;
  credentials: CredentialChecker;
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return {
    ipAddress: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}

export function registerClientRoutes(app: FastifyInstance, { ctx, credentials }: AuthApiDeps): void {
  const auth = (request: FastifyRequest) => request.headers.authorization;

  app.post('/v1/client/challenge', async (request) => {
    credentials.requireTenant(auth(request));
    const body = parse(clientChallengeBody, request.body);
    if (body.action !== undefined) assertActionCode(body.action);
    return startSignIn(
      ctx,
      {
        ...(body.action !== undefined ? { actionCode: body.action } : {}),
        ...(body.idempotencyKey !== undefined ? { idempotencyKey: body.idempotencyKey } : {}),
      },
      requestMeta(request),
    );
  });

  app.post('/v1/client/user-authenticators/passkey/registration-options', async (request) => {
    const claims = await credentials.requireToken(auth(request));
    const body = parse(registrationOptionsBody, request.body);
    return registrationOptions(ctx, claims, {
      ...(body.username ? { username: body.username } : {}),
      ...(body.displayName ? { displayName: body.displayName } : {}),
      ...(body.authenticatorAttachment ? { authenticatorAttachment: body.authenticatorAttachment } : {}),
    });
  });

  app.post('/v1/client/user-authenticators/passkey', async (request) => {
    const claims = await credentials.requireToken(auth(request));
    const body = parse(addPasskeyBody, request.body);
    const result = await addPasskey(
      ctx,
      claims,
      {
        challengeId: body.challengeId,
        registrationCredential: body.registrationCredential as RegistrationResponseJSON,
        ...(body.deviceId ? { deviceId: body.deviceId } : {}),
      },
      requestMeta(request),
    );
    if (!result.isVerified) return result;
    return {
      isVerified: true,
      accessToken: result.accessToken,
      userAuthenticatorId: result.passkey.id,
      credentialId: result.passkey.credentialId,
      userId: result.passkey.userId,
      userAuthenticator: presentAuthenticator(result.passkey, result.user),
    };
  });

  app.post('/v1/client/user-authenticators/passkey/authentication-options', async (request) => {
    const caller = await credentials.requireTenantOrToken(auth(request));
    const body = parse(authenticationOptionsBody, request.body);
    return authenticationOptions(
      ctx,
      caller,
      body.challengeId !== undefined ? { challengeId: body.challengeId } : {},
      requestMeta(request),
    );
  });

  app.post('/v1/client/verify/passkey', async (request) => {
    const caller = await credentials.requireTenantOrToken(auth(request));
    const body = parse(verifyPasskeyBody, request.body);
    const result = await verifyPasskey(
      ctx,
      caller,
      {
        challengeId: body.challengeId,
        authenticationCredential: body.authenticationCredential as AuthenticationResponseJSON,
        ...(body.deviceId ? { deviceId: body.deviceId } : {}),
      },
      requestMeta(request),
    );
    if (!result.isVerified) return result;
    const displayName = result.user.displayName ?? undefined;
    const username = result.user.username ?? result.user.email ?? undefined;
    return {
      isVerified: true,
      accessToken: result.accessToken,
      userId: result.user.id,
      userAuthenticatorId: result.passkey.id,
      username,
      userName: username,
      userDisplayName: displayName,
      displayName,
    };
  });

  app.get('/v1/client/user-authenticators/passkey', async (request) => {
    credentials.requireTenant(auth(request));
    const query = request.query as Record<string, unknown>;
    const ids = [
      ...(typeof query.credentialId === 'string' ? [query.credentialId] : []),
      ...(typeof query.credentialIds === 'string' ? query.credentialIds.split(',') : []),
    ].slice(0, 20);
    const found = await lookupPasskey(ctx, ids);
    return { credentialId: found.credentialId, verifiedAt: found.verifiedAt?.toISOString() };
  });

  app.get('/v1/client/user-authenticators', async (request) => {
    const claims = await credentials.requireToken(auth(request));
    await actionForToken(ctx, claims);
    const [authenticators, user] = await Promise.all([
      ctx.store.listAuthenticators(claims.userId),
      ctx.store.getUser(claims.userId),
    ]);
    return authenticators.filter((a) => a.verifiedAt !== null).map((a) => presentAuthenticator(a, user));
  });

  app.post('/v1/client/user-authenticators/email-otp', async (request) => {
    const claims = await credentials.requireToken(auth(request));
    const body = parse(enrollEmailBody, request.body);
    const { authenticator } = await enrollEmail(ctx, claims, body, requestMeta(request));
    return { userAuthenticatorId: authenticator.id };
  });

  app.post('/v1/client/challenge/email-otp', async (request) => {
    const claims = await credentials.requireToken(auth(request));
    const body = parse(challengeEmailBody, request.body);
    return challengeEmail(
      ctx,
      claims,
      body.userAuthenticatorId ? { userAuthenticatorId: body.userAuthenticatorId } : {},
      requestMeta(request),
    );
  });

  app.post('/v1/client/verify/email-otp', async (request) => {
    const claims = await credentials.requireToken(auth(request));
    const body = parse(verifyEmailBody, request.body);
    const result = await verifyEmail(ctx, claims, body, requestMeta(request));
    if (!result.isVerified) return result;
    return {
      isVerified: true,
      accessToken: result.accessToken,
      userAuthenticator: presentAuthenticator(result.authenticator, result.user),
    };
  });
}
