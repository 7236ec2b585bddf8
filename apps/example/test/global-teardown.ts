/** Stops the servers of global-setup.ts and removes their data. */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { __LATCHKEY_SERVERS__?: { child: ChildProcess; dataDir: string } })
    .__LATCHKEY_SERVERS__;
  if (!servers) return;
  if (servers.child.exitCode === null) {
    const exited = new Promise((done) => servers.child.once('exit', done));
    servers.child.kill('SIGTERM');
    await exited;
  }
  rmSync(servers.dataDir, { recursive: true, force: true });
}
