// Metro for an npm-workspaces monorepo (Expo configures watchFolders and
// nodeModulesPaths itself).
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { getDefaultConfig } = require('expo/metro-config');

const config = getDefaultConfig(__dirname);

// The workspace packages are TypeScript sources written for Node's ESM
// resolution, where `./flows/index.js` names `./flows/index.ts`.
config.resolver.resolveRequest = (context, moduleName, platform) => {
  if (/^\.\.?\//.test(moduleName) && moduleName.endsWith('.js') && /\.tsx?$/.test(context.originModulePath)) {
    try {
      return context.resolveRequest(context, moduleName.slice(0, -'.js'.length), platform);
    } catch {
      // Not a TypeScript source: resolve the name as written.
    }
  }
  return context.resolveRequest(context, moduleName, platform);
};

// app.config.ts embeds the Latchkey config (extra.latchkey) through a Babel
// transform that Metro caches; a different config file must not be served
// from a bundle built for another one, so it is part of the cache key.
const configFile = resolve(__dirname, process.env.LATCHKEY_APP_CONFIG || '../../.latchkey/dev.json');
config.cacheVersion = createHash('sha256')
  .update(existsSync(configFile) ? readFileSync(configFile) : 'none')
  .update(
    `\0${process.env.LATCHKEY_EXAMPLE_BACKEND_URL ?? ''}\0${process.env.LATCHKEY_EXAMPLE_BUNDLE_ID ?? ''}`,
  )
  .digest('hex');

module.exports = config;
