import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { registerClientRoutes } from '../auth-api/client-routes.js';
import { CredentialChecker } from '../auth-api/credentials.js';
import { registerServerRoutes } from '../auth-api/server-routes.js';
import type { Config } from '../config/schema.js';
import type { CoreContext } from '../core/context.js';
import { AuthError, PoolError } from '../core/errors.js';
import type { DevMailbox } from '../mail/dev-mailbox.js';
import type { PoolContext } from '../user-pool/context.js';
import { isPoolRequest, poolErrorReply, registerUserPool } from '../user-pool/router.js';
import { registerCors } from './cors.js';
import { parseJsonBody } from './json.js';
import { registerPoolWellKnown } from './jwks.js';
import { registerWellKnown } from './well-known.js';

export interface AppOptions {
  config: Config;
  ctx: CoreContext;
  /** All origins the relying party accepts (web and Android). */
  origins: readonly string[];
  /** Present only in `latchkey dev`: serves `GET /dev/mailbox`. */
  devMailbox?: DevMailbox;
  /** Request logs as JSON lines: `true` writes them to stdout, a stream writes them there. */
  logger?: boolean | { stream: { write(line: string): void } };
  /** The Cognito-compatible user pool, when configured. */
  pool?: PoolContext;
}

/** Authsignal's error envelope; `error` carries the code, as the SDKs read it. */
function envelope(error: AuthError) {
  return { error: error.code, errorCode: error.code, errorDescription: error.message };
}

/** Headers every answer carries, whatever produced it. */
function securityHeaders(reply: FastifyReply): void {
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
}

/**
 * Answers an error in the envelope of the API the request was for: Cognito's for the user
 * pool, Authsignal's otherwise. Fastify's own 4xx errors (body too large, bad content type)
 * are the client's fault on both APIs: before, on the user pool they became a 500.
 */
function sendError(raw: unknown, request: FastifyRequest, reply: FastifyReply) {
  const error =
    !(raw instanceof AuthError) &&
    !(raw instanceof PoolError) &&
    raw instanceof Error &&
    'statusCode' in raw &&
    typeof raw.statusCode === 'number' &&
    raw.statusCode < 500
      ? new AuthError(
          'invalid_request',
          'code' in raw && raw.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'The request body is too large.'
            : 'Invalid request.',
        )
      : raw;
  if (isPoolRequest(request)) {
    const { status, type, message } = poolErrorReply(error);
    if (status >= 500) request.log.error({ err: error }, 'unhandled error');
    return (
      reply
        .code(status)
        .header('x-amzn-errortype', `${type}:`)
        // Messages may quote client input (a client id, a username): a header value must not
        // carry control or non-ASCII characters, or Node refuses the whole answer.
        .header('x-amzn-errormessage', message.replace(/[^\x20-\x7e]/g, '?'))
        .header('x-amzn-requestid', request.id)
        .type('application/x-amz-json-1.1')
        .send({ __type: type, message })
    );
  }
  if (error instanceof AuthError) return reply.code(error.status).send(envelope(error));
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send(envelope(new AuthError('internal_error', 'Internal error.')));
}

/**
 * Fastify's `trustProxy` from the config. A hop count `n` trusts the `n` nearest
 * addresses (the socket's, then `X-Forwarded-For` from the right), as proxy-addr
 * does for a number; written as a function because Fastify's types omit numbers.
 */
function trustedProxies(
  setting: Config['http']['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}

/**
 * One log line per request, written when it ends, instead of Fastify's two
 * ("incoming request" and "request completed"): half the logging work, and the
 * line names the Cognito operation (`X-Amz-Target`), which the URL does not.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const target = request.headers['x-amz-target'];
    const line = {
      method: request.method,
      url: request.url,
      ...(typeof target === 'string' ? { target } : {}),
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
      ip: request.ip,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** Assembles the HTTP server: auth API, well-known files, health and (dev) mailbox. */
export function createApp(options: AppOptions): FastifyInstance {
  const { config, ctx } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: trustedProxies(config.http.trustProxy),
    // Route params such as user ids may be long; anything beyond is a 404, not a crash.
    routerOptions: { maxParamLength: 512 },
    genReqId: () => randomUUID(),
    // The router refuses an over-long path parameter (FST_ERR_MAX_PARAM_LENGTH) or a malformed
    // percent-encoding (FST_ERR_BAD_URL) before any hook runs. Without this, Fastify answers
    // 414/400 in its own body, echoing the path, and without the security headers.
    frameworkErrors: (error, request, reply) => {
      securityHeaders(reply);
      const refusal =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AuthError('not_found', 'No such endpoint.')
          : new AuthError('invalid_request', 'The request URL is malformed.');
      return sendError(refusal, request, reply);
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-amz-json-1.1', 'text/plain'],
    { parseAs: 'string' },
    (request, body, done) => {
      try {
        // Kept for SigV4, which signs the body exactly as sent.
        request.rawBody = body as string;
        done(null, parseJsonBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => {
    done(new AuthError('invalid_request', 'Content-Type must be application/json.'), undefined);
  });

  app.addHook('onSend', async (_request, reply) => securityHeaders(reply));
  // U+0000 in a path parameter or query value (`%00`) is never valid, and PostgreSQL cannot
  // bind it as text: refuse it before a handler passes it to the store (it was a 500).
  app.addHook('onRequest', async (request) => {
    if (/%00|\0/i.test(request.url))
      throw new AuthError('invalid_request', 'The URL contains a NUL character.');
  });

  const webOrigins = options.origins.filter((o) => o.startsWith('http'));
  registerCors(app, [...webOrigins, ...config.http.corsOrigins], {
    anyOriginForUserPool: options.pool !== undefined,
  });
  app.options('/*', async (_request, reply) => reply.code(204).send());

  app.setErrorHandler((error: FastifyError | AuthError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(envelope(new AuthError('not_found', 'No such endpoint.'))),
  );

  app.get('/health', async () => ({ status: 'ok' }));

  const credentials = new CredentialChecker({
    tenantId: config.tenant.id,
    secretKey: config.tenant.secretKey,
    tokens: ctx.tokens,
  });
  registerClientRoutes(app, { ctx, credentials });
  registerServerRoutes(app, { ctx, credentials });
  registerWellKnown(app, config);
  if (options.pool) {
    registerUserPool(app, options.pool);
    registerPoolWellKnown(app, options.pool);
  }

  const mailbox = options.devMailbox;
  if (mailbox) {
    app.get('/dev/mailbox', async (request) => {
      const to = (request.query as Record<string, unknown>).to;
      if (typeof to !== 'string' || to.length === 0)
        throw new AuthError('invalid_request', 'Pass ?to=EMAIL.');
      return mailbox.list(to);
    });
  }
  return app;
}
