/** Per-process CPU time and memory from /proc (Linux), and CPU pinning with taskset. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds of a process (all its threads) so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the `(comm)`: state is field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The machine's CPU ticks so far (all CPUs, from /proc/stat): total, and stolen by the hypervisor. */
export function machineTicks(): { total: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] ?? 0 };
}

/** Peak resident set size (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of `pid` to `cpus` (e.g. "1"); threads created later inherit it. */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** `taskset -c cpus command…` when taskset exists and the CPUs do; the command alone otherwise. */
export function pinned(cpus: string | undefined, command: string[]): string[] {
  if (cpus === undefined || !hasTaskset()) return command;
  const max = Math.max(...cpus.split(',').map(Number));
  if (max >= availableParallelism()) return command;
  return ['taskset', '-c', cpus, ...command];
}

/** The 1-, 5- and 15-minute load averages. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Test runs, installs and builds of other users of the machine, by name (what the load average cannot tell). */
export function othersBusy(): string {
  try {
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    const found = new Set<string>();
    for (const line of ps.split('\n')) {
      const match = /(vitest|npm (?:ci|install|test)|\bcc1(?:plus)?\b|\btsc\b|playwright|chromium|expo)/.exec(
        line,
      );
      if (match?.[1]) found.add(match[1]);
    }
    return found.size > 0 ? [...found].join(', ') : 'none';
  } catch {
    return 'unknown';
  }
}
