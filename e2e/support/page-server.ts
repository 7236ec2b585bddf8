/**
 * Serves the test pages on http://localhost:<port>, with the harness entries
 * bundled for the browser by esbuild (IIFE) on first use.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRIES = {
  'latchkey.js': 'latchkey-harness.ts',
  'authsignal.js': 'authsignal-harness.ts',
  'flows.js': 'flows-harness.ts',
} as const;
type Bundle = keyof typeof ENTRIES;

const bundles = new Map<Bundle, Promise<string>>();

/** The bundle's JavaScript, built once per test process. */
export function bundle(name: Bundle): Promise<string> {
  let built = bundles.get(name);
  if (!built) {
    built = build({
      entryPoints: [fileURLToPath(new URL(`../pages/${ENTRIES[name]}`, import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    }).then((result) => {
      const file = result.outputFiles[0];
      if (!file) throw new Error(`esbuild produced nothing for ${name}`);
      return file.text;
    });
    bundles.set(name, built);
  }
  return built;
}

function page(title: string, script: Bundle): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
  <h1>${title}</h1>
  <form onsubmit="return false">
    <label>Email <input id="username" name="username" autocomplete="username webauthn"></label>
  </form>
  <p id="status"></p>
  <script src="/${script}"></script>
</body>
</html>`;
}

const PAGES: Record<string, string> = {
  '/': page('Latchkey SDK', 'latchkey.js'),
  '/authsignal.html': page('@authsignal/browser', 'authsignal.js'),
  '/flows.html': page('Latchkey flows with Amplify', 'flows.js'),
};

export interface PageServer {
  /** `http://localhost:<port>`: a secure context where the RP ID `localhost` is valid. */
  origin: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const html = PAGES[path];
    if (html !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const name = path.slice(1) as Bundle;
    if (name in ENTRIES) {
      bundle(name).then(
        (js) => response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
      return;
    }
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('page server: no address');
  return {
    origin: `http://localhost:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
