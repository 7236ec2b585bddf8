import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, PoolError } from '../core/errors.js';
import type { PoolContext } from './context.js';
import { parseInput } from './operation.js';
import { OPERATIONS } from './operations/index.js';
import { verifySigV4 } from './sigv4.js';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export function isPoolRequest(request: FastifyRequest): boolean {
  return typeof request.headers['x-amz-target'] === 'string';
}

/**
 * The Cognito-compatible endpoint: POST on any path, dispatched on
 * `X-Amz-Target`. Requests without the header fall through to the auth API's 404.
 */
export function registerUserPool(app: FastifyInstance, ctx: PoolContext): void {
  const secrets = new Map(ctx.config.adminKeys.map((k) => [k.accessKeyId, k.secretAccessKey]));
  const handler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const target = request.headers['x-amz-target'];
    if (typeof target !== 'string') throw new AuthError('not_found', 'No such endpoint.');
    reply.header('x-amzn-requestid', request.id);
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const operation = OPERATIONS.get(name);
    if (!operation) throw new PoolError('UnknownOperationException', `Unknown operation ${target}.`);
    if (operation.auth === 'admin') {
      verifySigV4(
        { method: request.method, url: request.url, headers: request.headers, body: request.rawBody ?? '' },
        {
          service: 'cognito-idp',
          region: ctx.region,
          now: ctx.clock.now(),
          secretFor: (id) => secrets.get(id),
        },
      );
    }
    const input = parseInput(operation.input, request.body);
    const output = await operation.handle(ctx, input, { ipAddress: request.ip ?? null });
    return reply.type('application/x-amz-json-1.1').send(output);
  };
  app.post('/', handler);
  app.post('/*', handler);
}

/** Cognito's error envelope: HTTP 400 (500 only for our own faults) with `__type` in body and header. */
export function poolErrorReply(error: unknown): { status: number; type: string; message: string } {
  if (error instanceof PoolError) return { status: 400, type: error.type, message: error.message };
  if (error instanceof AuthError) {
    if (error.code === 'not_found')
      return { status: 400, type: 'UnknownOperationException', message: error.message };
    return { status: 400, type: 'SerializationException', message: error.message };
  }
  return { status: 500, type: 'InternalErrorException', message: 'Internal error.' };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received (SigV4 signs it). */
    rawBody?: string;
  }
}
