/**
 * The benchmark's smoke mode (`bench/run.ts --smoke`) so it never rots: a few seconds of
 * every Latchkey flow against a real `latchkey serve`, no peers, no thresholds. It checks
 * only that every flow completes without errors; no test asserts on speed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

interface SmokeRow {
  scenario: string;
  completed: number;
  errors: number;
  errorSamples: string[];
}

it('bench --smoke runs every flow with zero errors', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-smoke-'));
  try {
    const json = join(dir, 'smoke.json');
    const root = join(import.meta.dirname, '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--json', json], {
      cwd: root,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: SmokeRow[] };
    expect(rows.map((r) => r.scenario)).toEqual([
      'passkey sign-in (full)',
      'passkey sign-in (full)',
      'passkey step (challenge→options→verify)',
      'email-OTP sign-in',
      'GET /health (an empty request)',
      'refresh-token sign-in',
    ]);
    for (const row of rows) {
      expect(row.errorSamples, row.scenario).toEqual([]);
      expect(row.errors, row.scenario).toBe(0);
      expect(row.completed, row.scenario).toBeGreaterThan(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
