/** The `latchkey` command run as a child process, as a user runs it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const LATCHKEY_BIN = resolve(import.meta.dirname, '../../bin/latchkey.js');

export interface CliProcess {
  child: ChildProcess;
  /** Resolves to the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** stdout and stderr so far, interleaved. */
  output(): string;
}

/** Runs `latchkey …args` in `cwd` with only PATH, HOME and `env` set, capturing its output. */
export function spawnCli(args: string[], cwd: string, env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [LATCHKEY_BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, output: () => output };
}
