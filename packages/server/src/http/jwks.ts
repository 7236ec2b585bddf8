import type { FastifyInstance } from 'fastify';
import type { PoolContext } from '../user-pool/context.js';

/** JWKS and OIDC discovery under the pool's issuer path, as Cognito serves them. */
export function registerPoolWellKnown(app: FastifyInstance, pool: PoolContext): void {
  const prefix = `/${pool.config.id}/.well-known`;
  app.get(`${prefix}/jwks.json`, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return pool.keys.jwks();
  });
  app.get(`${prefix}/openid-configuration`, async () => ({
    issuer: pool.issuer,
    jwks_uri: `${pool.issuer}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'aws.cognito.signin.user.admin'],
    claims_supported: [
      'sub',
      'email',
      'email_verified',
      'cognito:username',
      'auth_time',
      'iss',
      'aud',
      'exp',
      'iat',
    ],
  }));
}
