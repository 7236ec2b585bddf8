import type { FastifyInstance } from 'fastify';

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-authsignal-tenant-id',
  'x-authsignal-sdk',
  'x-authsignal-version',
  'x-amz-target',
  'x-amz-user-agent',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'cache-control',
].join(', ');

/**
 * CORS for the configured web origins only. Credentials (cookies) are never
 * used, so `Access-Control-Allow-Credentials` is not sent.
 */
export function registerCors(
  app: FastifyInstance,
  origins: readonly string[],
  { anyOriginForUserPool }: { anyOriginForUserPool: boolean },
): void {
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string') return;
    // The user-pool API allows any origin, as Cognito does: it carries no cookies and every call names its client.
    const requested = request.headers['access-control-request-headers'];
    const forPool =
      anyOriginForUserPool &&
      (request.headers['x-amz-target'] !== undefined ||
        (typeof requested === 'string' && requested.toLowerCase().includes('x-amz-target')));
    if (!forPool && !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', forPool ? '*' : origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'x-amzn-errortype, x-amzn-requestid, x-amzn-errormessage');
    if (request.method === 'OPTIONS') {
      reply.header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS');
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    }
  });
}
