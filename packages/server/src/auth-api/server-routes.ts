/** The server API (`/v1/*`), called by backends and Cognito triggers with the secret key. */
import type { FastifyInstance } from 'fastify';
import { getAction, track, updateActionState, validate } from '../core/actions.js';
import type { ActionState, EventType, UserPatch } from '../core/model.js';
import {
  ALLOWED_METHODS,
  deleteAuthenticator,
  deleteUser,
  enrollAuthenticator,
  getPendingChallenge,
  getUser,
  listAuthenticators,
  listUserEvents,
  queryUsers,
  updateUser,
} from '../core/users.js';
import { type AuthApiDeps, requestMeta } from './client-routes.js';
import { presentAction, presentAuthenticator, presentUser } from './presenters.js';
import {
  challengesQuery,
  enrollAuthenticatorBody,
  eventsQuery,
  parse,
  queryUsersQuery,
  trackBody,
  updateActionBody,
  updateUserBody,
  validateBody,
} from './schemas.js';

type Params = Record<string, string>;

export function registerServerRoutes(app: FastifyInstance, { ctx, credentials }: AuthApiDeps): void {
  // Every server route needs the secret key; check it before anything else runs.
  app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => credentials.requireSecret(request.headers.authorization));

    scope.post('/v1/users/:userId/actions/:action', async (request) => {
      const { userId, action } = request.params as Params;
      const body = parse(trackBody, request.body);
      const result = await track(
        ctx,
        {
          userId: userId ?? '',
          actionCode: action ?? '',
          ...(body.email !== undefined ? { email: body.email } : {}),
          ...(body.phoneNumber !== undefined ? { phoneNumber: body.phoneNumber } : {}),
          ...(body.username !== undefined ? { username: body.username } : {}),
          ...(body.scope !== undefined ? { scope: body.scope } : {}),
          ...(body.idempotencyKey !== undefined ? { idempotencyKey: body.idempotencyKey } : {}),
        },
        requestMeta(request),
      );
      return {
        state: result.action.state,
        idempotencyKey: result.action.idempotencyKey,
        url: '',
        token: result.token,
        isEnrolled: result.isEnrolled,
        enrolledVerificationMethods: result.enrolledVerificationMethods,
        allowedVerificationMethods: ALLOWED_METHODS,
        defaultVerificationMethod: result.enrolledVerificationMethods.includes('PASSKEY')
          ? 'PASSKEY'
          : 'EMAIL_OTP',
      };
    });

    scope.post('/v1/validate', async (request) => {
      const body = parse(validateBody, request.body);
      const result = await validate(
        ctx,
        {
          token: body.token,
          ...(body.userId !== undefined ? { userId: body.userId } : {}),
          ...(body.action !== undefined ? { action: body.action } : {}),
        },
        requestMeta(request),
      );
      if (!('state' in result)) return result;
      return {
        ...result,
        stateUpdatedAt: result.stateUpdatedAt.toISOString(),
        verificationMethod: result.verificationMethod ?? undefined,
      };
    });

    scope.get('/v1/users/:userId', async (request) => {
      const { user, enrolled } = await getUser(ctx, (request.params as Params).userId ?? '');
      const { userId: _id, ...attributes } = presentUser(user);
      return {
        isEnrolled: enrolled.length > 0,
        ...attributes,
        enrolledVerificationMethods: enrolled,
        allowedVerificationMethods: ALLOWED_METHODS,
      };
    });

    scope.get('/v1/users', async (request) => {
      const query = parse(queryUsersQuery, request.query);
      const page = await queryUsers(ctx, {
        ...(query.email !== undefined ? { email: query.email } : {}),
        ...(query.username !== undefined ? { username: query.username } : {}),
        ...(query.phoneNumber !== undefined ? { phoneNumber: query.phoneNumber } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.lastEvaluatedUserId !== undefined
          ? { lastEvaluatedUserId: query.lastEvaluatedUserId }
          : {}),
      });
      let tokenPayload: Record<string, unknown> | undefined;
      if (query.token !== undefined) {
        const claims = await ctx.tokens.verify(query.token);
        tokenPayload = {
          userId: claims.userId,
          actionCode: claims.actionCode,
          idempotencyKey: claims.idempotencyKey,
        };
      }
      return {
        users: page.users.map(presentUser),
        ...(page.lastEvaluatedUserId ? { lastEvaluatedUserId: page.lastEvaluatedUserId } : {}),
        ...(tokenPayload ? { tokenPayload } : {}),
      };
    });

    scope.patch('/v1/users/:userId', async (request) => {
      const { locale: _locale, ...patch } = parse(updateUserBody, request.body);
      const user = await updateUser(ctx, (request.params as Params).userId ?? '', patch as UserPatch);
      const { userId: _id, ...attributes } = presentUser(user);
      return attributes;
    });

    scope.delete('/v1/users/:userId', async (request) => {
      await deleteUser(ctx, (request.params as Params).userId ?? '');
      return { success: true };
    });

    scope.get('/v1/users/:userId/events', async (request) => {
      const userId = (request.params as Params).userId ?? '';
      const query = parse(eventsQuery, request.query);
      const page = await listUserEvents(ctx, userId, {
        ...(query.type !== undefined ? { type: query.type as EventType } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.before !== undefined ? { before: query.before } : {}),
      });
      return {
        events: page.events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
        ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
      };
    });

    scope.get('/v1/users/:userId/authenticators', async (request) => {
      const userId = (request.params as Params).userId ?? '';
      const [authenticators, user] = await Promise.all([
        listAuthenticators(ctx, userId),
        ctx.store.getUser(userId),
      ]);
      return authenticators.filter((a) => a.verifiedAt !== null).map((a) => presentAuthenticator(a, user));
    });

    scope.post('/v1/users/:userId/authenticators', async (request) => {
      const userId = (request.params as Params).userId ?? '';
      const body = parse(enrollAuthenticatorBody, request.body);
      const authenticator = await enrollAuthenticator(
        ctx,
        userId,
        {
          verificationMethod: body.verificationMethod,
          ...(body.email !== undefined ? { email: body.email } : {}),
        },
        requestMeta(request),
      );
      return { authenticator: presentAuthenticator(authenticator, await ctx.store.getUser(userId)) };
    });

    scope.delete('/v1/users/:userId/authenticators/:authenticatorId', async (request) => {
      const { userId, authenticatorId } = request.params as Params;
      await deleteAuthenticator(ctx, userId ?? '', authenticatorId ?? '', requestMeta(request));
      return { success: true };
    });

    const pendingChallenge = async (query: unknown, userIdFromPath?: string) => {
      const q = parse(challengesQuery, query);
      const userId = userIdFromPath ?? q.userId;
      const found = await getPendingChallenge(ctx, {
        ...(userId !== undefined ? { userId } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.verificationMethod !== undefined ? { verificationMethod: q.verificationMethod } : {}),
        ...(q.challengeId !== undefined ? { challengeId: q.challengeId } : {}),
      });
      return found ? { ...found, expiresAt: found.expiresAt.toISOString() } : {};
    };
    scope.get('/v1/challenges', async (request) => pendingChallenge(request.query));
    scope.get('/v1/users/:userId/challenge', async (request) =>
      pendingChallenge(request.query, (request.params as Params).userId),
    );

    scope.get('/v1/users/:userId/actions/:action/:idempotencyKey', async (request) => {
      const { userId, action, idempotencyKey } = request.params as Params;
      return presentAction(await getAction(ctx, userId ?? '', action ?? '', idempotencyKey ?? ''));
    });

    scope.patch('/v1/users/:userId/actions/:action/:idempotencyKey', async (request) => {
      const { userId, action, idempotencyKey } = request.params as Params;
      const body = parse(updateActionBody, request.body);
      const updated = await updateActionState(
        ctx,
        { userId: userId ?? '', actionCode: action ?? '', idempotencyKey: idempotencyKey ?? '' },
        body.state as ActionState,
      );
      return { state: updated.state };
    });
  });
}
