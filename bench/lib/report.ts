/** One measured row, the console table, and the Markdown tables for RESULTS.md. */
import { type LoadResult, percentile } from './load.js';

export interface Row {
  /** What ran: `passkey sign-in (full)`, `refresh`, … */
  scenario: string;
  server: string;
  mode: string;
  opsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Server CPU milliseconds per operation (all server processes). */
  serverCpuMs: number;
  /** Server CPU use during the window, in cores. */
  serverCores: number;
  peakRssMiB: number;
  errors: number;
  errorSamples: string[];
  completed: number;
  /** Load-generator CPU use during the window, in cores. */
  clientCores: number;
  /** Share of the machine's CPU time the hypervisor took during the window (VMs), %. */
  stealPercent: number;
}

export function toRow(
  scenario: string,
  server: string,
  result: LoadResult,
  serverCpuSeconds: number,
  peakRssMiB: number,
  stealPercent = 0,
): Row {
  return {
    scenario,
    server,
    mode: result.mode,
    opsPerSecond: result.completed / result.seconds,
    p50: percentile(result.latencies, 50),
    p95: percentile(result.latencies, 95),
    p99: percentile(result.latencies, 99),
    serverCpuMs: result.completed > 0 ? (serverCpuSeconds * 1000) / result.completed : Number.NaN,
    serverCores: serverCpuSeconds / result.seconds,
    peakRssMiB,
    errors: result.errors,
    errorSamples: result.errorSamples,
    completed: result.completed,
    clientCores: result.clientCpuSeconds / result.seconds,
    stealPercent,
  };
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

const HEADER = [
  'scenario',
  'server',
  'load',
  'ops/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'server CPU ms/op',
  'server cores',
  'peak RSS MiB',
  'errors',
  'client cores',
  'steal %',
];

function cells(row: Row): string[] {
  return [
    row.scenario,
    row.server,
    row.mode,
    f(row.opsPerSecond, 0),
    f(row.p50, 2),
    f(row.p95, 2),
    f(row.p99, 2),
    f(row.serverCpuMs, 3),
    f(row.serverCores, 2),
    f(row.peakRssMiB, 0),
    String(row.errors),
    f(row.clientCores, 2),
    f(row.stealPercent, 1),
  ];
}

/** A fixed-width text table for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i < 3 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [
    line(HEADER),
    line(HEADER.map((_, i) => (i < 3 ? '---' : '---:'))),
    ...rows.map((r) => line(cells(r))),
  ].join('\n');
}
