import type { FastifyInstance } from 'fastify';
import { appleAppSiteAssociation, assetLinks } from '../config/relying-party.js';
import type { Config } from '../config/schema.js';

/** Serves the app-association files that let iOS and Android apps use the RP's passkeys. */
export function registerWellKnown(app: FastifyInstance, config: Config): void {
  const apple = JSON.stringify(appleAppSiteAssociation(config));
  const android = JSON.stringify(assetLinks(config));
  app.get('/.well-known/apple-app-site-association', async (_request, reply) =>
    reply.type('application/json').send(apple),
  );
  app.get('/.well-known/assetlinks.json', async (_request, reply) =>
    reply.type('application/json').send(android),
  );
}
