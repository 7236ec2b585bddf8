/**
 * `npm run bench`: Latchkey's sign-in throughput against the crypto floor and
 * against peers, over HTTP on loopback. See bench/README.md.
 *
 *   node --import tsx bench/run.ts [--smoke] [--duration 10] [--warmup 3]
 *     [--concurrency 1,4,16,64] [--users 128] [--no-peers] [--no-scaling]
 *     [--server tsx|bundle] [--json FILE] [--results FILE]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchConfig,
  bundleServer,
  LatchkeyFlows,
  type LatchkeyUser,
  REPO,
  type ServerMode,
  type ServerProcess,
  startLatchkey,
} from './lib/latchkey.js';
import { closedLoop, type LoadOptions, type LoadResult, openLoop } from './lib/load.js';
import {
  cpuSeconds,
  hasTaskset,
  loadAverage,
  machineTicks,
  othersBusy,
  peakRssMiB,
  pin,
} from './lib/proc.js';
import { profileByLayer } from './lib/profile.js';
import { markdownTable, type Row, textTable, toRow } from './lib/report.js';
import { SmtpSink } from './lib/smtp-sink.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string' },
    users: { type: 'string' },
    peers: { type: 'boolean', default: true },
    'no-peers': { type: 'boolean', default: false },
    'no-scaling': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    server: { type: 'string', default: 'tsx' },
    json: { type: 'string' },
    results: { type: 'string' },
    /** Comma-separated subset of full,open,step,otp,health,refresh (default: all). */
    scenarios: { type: 'string' },
  },
});

const smoke = args.smoke;
const durationMs = Number(args.duration ?? (smoke ? 1.5 : 10)) * 1000;
const warmupMs = Number(args.warmup ?? (smoke ? 0.5 : 3)) * 1000;
const levels = (args.concurrency ?? (smoke ? '4' : '1,4,16,64')).split(',').map(Number);
/** The peers' published numbers were taken at 16 concurrent clients. */
const PEER_CONCURRENCY = smoke ? 4 : 16;
const userCount = Number(args.users ?? (smoke ? 24 : Math.max(128, 2 * Math.max(...levels))));
const withPeers = !smoke && !args['no-peers'];
const withScaling = !smoke && !args['no-scaling'];
const withProfile = !smoke && !args['no-profile'];
const serverMode = args.server as ServerMode;
const only = new Set((args.scenarios ?? 'full,open,step,otp,health,refresh').split(','));
const resultsFile = args.results ?? (smoke ? undefined : join(import.meta.dirname, 'RESULTS.md'));

// Two or more CPUs: the server gets CPU 0, the load generator CPU 1 (and the floor runs on CPU 0).
const twoCpus = cpus().length >= 2 && hasTaskset();
const SERVER_CPU = twoCpus ? '0' : undefined;
if (twoCpus) pin(process.pid, '1');

const rows: Row[] = [];
let profile:
  | { concurrency: number; rate: number; perSignIn: number; mainThread: number; layers: [string, number][] }
  | undefined;
const notes: string[] = [];
const loads: string[] = [`start: ${loadAverage()} (others: ${othersBusy()})`];
const startedAt = new Date();

function log(message: string): void {
  console.error(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)}s] ${message}`);
}

/** Runs `load` while reading the servers' CPU time at the window's edges. */
async function measure<U>(
  scenario: string,
  server: string,
  pids: number[],
  options: Omit<LoadOptions<U>, 'onWindow' | 'warmupMs' | 'durationMs'>,
  run: (o: LoadOptions<U>) => Promise<LoadResult>,
): Promise<Row> {
  let cpu0 = 0;
  let cpu = 0;
  let ticks0 = machineTicks();
  let steal = 0;
  const total = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const result = await run({
    ...options,
    warmupMs,
    durationMs,
    onWindow: (edge) => {
      if (edge === 'start') {
        cpu0 = total();
        ticks0 = machineTicks();
      } else {
        cpu = total() - cpu0;
        const ticks = machineTicks();
        steal = (100 * (ticks.steal - ticks0.steal)) / Math.max(1, ticks.total - ticks0.total);
      }
    },
  });
  const row = toRow(scenario, server, result, cpu, Math.max(...pids.map(peakRssMiB)), steal);
  rows.push(row);
  log(
    `${scenario} | ${server} | ${row.mode}: ${row.opsPerSecond.toFixed(0)}/s, p99 ${row.p99.toFixed(1)} ms, ` +
      `${row.serverCpuMs.toFixed(2)} CPU ms/op, errors ${row.errors}${row.errors ? ` (${row.errorSamples[0]})` : ''}`,
  );
  return row;
}

function floor(ms: number): {
  signInsPerCpuSecond: number;
  usPerSignIn: number;
  usPerOp: Record<string, number>;
} {
  const command = [process.execPath, join(import.meta.dirname, 'lib', 'floor.mjs'), String(ms)];
  const [cmd, ...rest] = SERVER_CPU ? ['taskset', '-c', SERVER_CPU, ...command] : command;
  return JSON.parse(execFileSync(cmd as string, rest, { encoding: 'utf8' }));
}

async function createUsers(flows: LatchkeyFlows, count: number): Promise<LatchkeyUser[]> {
  const runId = Date.now().toString(36);
  const users: LatchkeyUser[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const index = next++;
        users[index] = await flows.createUser(index, runId);
      }
    }),
  );
  return users;
}

const dataRoot = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const servers: ServerProcess[] = [];
const sink = new SmtpSink();
// Below Linux's ephemeral range (32768–60999): the load generator's own outgoing
// connections take ports there, and a server could not listen on one of them.
let basePort = 20_000 + Math.floor(Math.random() * 10_000);

async function main(): Promise<number> {
  log(`load average ${loadAverage()}; data in ${dataRoot}`);
  const floorResult = floor(smoke ? 400 : 4000);
  log(`crypto floor: ${floorResult.signInsPerCpuSecond.toFixed(0)} sign-ins per CPU second`);

  const bundlePath = serverMode === 'bundle' ? await bundleServer() : undefined;
  const smtpPort = await sink.listen();
  const config = benchConfig(dataRoot);
  const origin = `http://localhost:${basePort}`;
  const start = (name: string, cpusFor: string | undefined) =>
    startLatchkey({
      config,
      port: basePort++,
      origin,
      smtpPort,
      cpus: cpusFor,
      mode: serverMode,
      name,
      ...(bundlePath ? { bundlePath } : {}),
    });

  // --- One instance on one CPU.
  const one = await start('one', SERVER_CPU);
  servers.push(one);
  const flows = new LatchkeyFlows([one.baseUrl], origin, config.tenantId, sink);
  log(`creating ${userCount} users (sign-up, email OTP, passkey, first sign-in)`);
  const users = await createUsers(flows, userCount);
  const pids = [one.pid];
  const L = 'latchkey ×1';

  const full = (u: LatchkeyUser) => flows.passkeySignIn(u);
  const peak: Row[] = [];
  for (const c of only.has('full') ? levels : []) {
    peak.push(await measure('passkey sign-in (full)', L, pids, { users, op: full }, (o) => closedLoop(o, c)));
  }
  const best = peak.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a), peak[0] as Row);
  const halfRow =
    best && only.has('open')
      ? await measure('passkey sign-in (full)', L, pids, { users, op: full }, (o) =>
          openLoop(o, best.opsPerSecond / 2),
        )
      : undefined;
  const stepC = smoke ? (levels[0] ?? 4) : PEER_CONCURRENCY;
  const step = !only.has('step')
    ? undefined
    : await measure(
        'passkey step (challenge→options→verify)',
        L,
        pids,
        { users, op: async (u: LatchkeyUser) => void (await flows.passkeyStep(u)) },
        (o) => closedLoop(o, stepC),
      );
  if (only.has('otp'))
    await measure('email-OTP sign-in', L, pids, { users, op: (u) => flows.emailOtpSignIn(u) }, (o) =>
      closedLoop(o, stepC),
    );
  const health = !only.has('health')
    ? undefined
    : await measure('GET /health (an empty request)', L, pids, { users, op: (u) => flows.health(u) }, (o) =>
        closedLoop(o, stepC),
      );
  const refresh = !only.has('refresh')
    ? undefined
    : await measure('refresh-token sign-in', L, pids, { users, op: (u) => flows.refresh(u) }, (o) =>
        closedLoop(o, stepC),
      );
  loads.push(`after one instance: ${loadAverage()} (others: ${othersBusy()})`);
  await one.stop();
  servers.length = 0;

  // --- Where the CPU goes: the full sign-in again, under a CPU profiler (not a table row).
  if (withProfile && best) {
    const dir = join(dataRoot, 'profile');
    const concurrency = Number(best.mode.match(/(\d+) clients/)?.[1] ?? 16);
    const profiled = await startLatchkey({
      config,
      port: basePort++,
      origin,
      smtpPort,
      cpus: SERVER_CPU,
      mode: serverMode,
      name: 'profile',
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      ...(bundlePath ? { bundlePath } : {}),
    });
    const flowsP = new LatchkeyFlows([profiled.baseUrl], origin, config.tenantId, sink);
    let cpu0 = 0;
    let cpu = 0;
    const result = await closedLoop(
      {
        users,
        op: (u: LatchkeyUser) => flowsP.passkeySignIn(u),
        warmupMs,
        durationMs,
        onWindow: (edge) => {
          if (edge === 'start') cpu0 = cpuSeconds(profiled.pid);
          else cpu = cpuSeconds(profiled.pid) - cpu0;
        },
      },
      concurrency,
    );
    flowsP.close();
    await profiled.stop();
    const { busySeconds, layers } = profileByLayer(dir, result.seconds * 1000);
    const n = Math.max(1, result.completed);
    const perSignIn = (busySeconds * 1000) / n;
    const processMs = (cpu * 1000) / n;
    // CPU outside the main thread's profile: libuv's thread pool (RSA signatures), GC helpers.
    if (processMs > perSignIn)
      layers.push([
        'other threads (RSA signing on the thread pool, GC helpers; /proc minus profile)',
        (processMs - perSignIn) / perSignIn,
      ]);
    const total = Math.max(processMs, perSignIn);
    profile = {
      concurrency,
      rate: result.completed / result.seconds,
      perSignIn: total,
      mainThread: perSignIn,
      layers: layers.map(([name, share]) => [name, (share * perSignIn) / total]),
    };
    log(
      `profiled: ${profile.rate.toFixed(0)}/s under the profiler, ${perSignIn.toFixed(2)} ms main-thread time per sign-in`,
    );
  }

  // --- Two instances on two CPUs, one SQLite database (WAL), requests round-robin.
  let two: Row | undefined;
  let oneAgain: Row | undefined;
  if (withScaling && twoCpus && best) {
    // The same 32 clients against one instance and against two, so the second instance is
    // the only difference (one instance still gains a little from 16 to 64 clients).
    const concurrency = 32;
    // The reference: one instance with the load generator free to use both CPUs, as below.
    pin(process.pid, '0,1');
    const single = await start('one-again', '0');
    servers.push(single);
    const flows1 = new LatchkeyFlows([single.baseUrl], origin, config.tenantId, sink);
    oneAgain = await measure(
      'passkey sign-in (full)',
      'latchkey ×1, client unpinned',
      [single.pid],
      {
        users,
        op: (u: LatchkeyUser) => flows1.passkeySignIn(u),
      },
      (o) => closedLoop(o, concurrency),
    );
    flows1.close();
    const second = await start('two', '1');
    servers.push(second);
    const flows2 = new LatchkeyFlows([single.baseUrl, second.baseUrl], origin, config.tenantId, sink);
    two = await measure(
      'passkey sign-in (full)',
      'latchkey ×2 (CPU 0, CPU 1)',
      [single.pid, second.pid],
      {
        users,
        op: (u: LatchkeyUser) => flows2.passkeySignIn(u),
      },
      (o) => closedLoop(o, concurrency),
    );
    flows2.close();
    for (const s of servers) await s.stop();
    servers.length = 0;
    pin(process.pid, '1');
    loads.push(`after two instances: ${loadAverage()} (others: ${othersBusy()})`);
  }
  flows.close();

  // --- Peers, one process each on the server's CPU, 16 concurrent clients.
  let betterAuth: Row | undefined;
  let cognitoLocal: Row | undefined;
  if (withPeers) {
    installPeers();
    const { runBetterAuth } = await import('./peers/better-auth.js');
    betterAuth = await runBetterAuth({
      port: basePort++,
      dir: join(dataRoot, 'better-auth'),
      cpus: SERVER_CPU,
      users: Math.max(PEER_CONCURRENCY * 4, 64),
      concurrency: PEER_CONCURRENCY,
      measure,
      log,
    });
    loads.push(`after better-auth: ${loadAverage()} (others: ${othersBusy()})`);
    const { runCognitoLocal } = await import('./peers/cognito-local.js');
    cognitoLocal = await runCognitoLocal({
      port: basePort++,
      dir: join(dataRoot, 'cognito-local'),
      cpus: SERVER_CPU,
      users: Math.max(PEER_CONCURRENCY * 4, 64),
      concurrency: PEER_CONCURRENCY,
      measure,
      log,
    });
    loads.push(`after cognito-local: ${loadAverage()} (others: ${othersBusy()})`);
  }

  // --- Report.
  const floorRate = floorResult.signInsPerCpuSecond;
  const goals: [string, string, string, boolean | undefined][] = [];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const bestCpuRate = best ? 1000 / best.serverCpuMs : 0;
  if (best)
    goals.push([
      'full sign-in ≥ 50% of the crypto floor per core',
      `${best.opsPerSecond.toFixed(0)}/s on one core (${bestCpuRate.toFixed(0)} per server CPU second) vs floor ${floorRate.toFixed(0)} per CPU second`,
      `${((100 * bestCpuRate) / floorRate).toFixed(0)}% per CPU second; ${((100 * best.opsPerSecond) / floorRate).toFixed(0)}% by wall throughput`,
      bestCpuRate / floorRate >= 0.5,
    ]);
  if (betterAuth && step)
    goals.push([
      'passkey step ≥ 5× better-auth',
      `${step.opsPerSecond.toFixed(0)}/s vs ${betterAuth.opsPerSecond.toFixed(0)}/s`,
      ratio(step.opsPerSecond, betterAuth.opsPerSecond),
      step.opsPerSecond / betterAuth.opsPerSecond >= 5,
    ]);
  if (cognitoLocal && refresh)
    goals.push([
      'refresh-token sign-in ≥ 5× cognito-local',
      `${refresh.opsPerSecond.toFixed(0)}/s vs ${cognitoLocal.opsPerSecond.toFixed(0)}/s`,
      ratio(refresh.opsPerSecond, cognitoLocal.opsPerSecond),
      refresh.opsPerSecond / cognitoLocal.opsPerSecond >= 5,
    ]);
  if (halfRow)
    goals.push([
      'p99 < 20 ms at half the peak rate',
      `${halfRow.mode}: p99 ${halfRow.p99.toFixed(1)} ms`,
      `${halfRow.p99.toFixed(1)} ms`,
      halfRow.p99 < 20,
    ]);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  goals.push(['zero errors', `${errors} errors in ${rows.length} runs`, String(errors), errors === 0]);
  if (two && oneAgain)
    goals.push([
      '≥ 1.7× with two instances on two cores',
      `${two.opsPerSecond.toFixed(0)}/s vs ${oneAgain.opsPerSecond.toFixed(0)}/s (same client placement)`,
      ratio(two.opsPerSecond, oneAgain.opsPerSecond),
      two.opsPerSecond / oneAgain.opsPerSecond >= 1.7,
    ]);
  // A measured bound on the request shape: what the requests of a sign-in cost before any work.
  const bounds: string[] = [];
  if (health && best) {
    const floorMs = floorResult.usPerSignIn / 1000;
    const requestsMs = 6 * health.serverCpuMs;
    bounds.push(
      `an empty request (GET /health, ${health.mode}) costs ${health.serverCpuMs.toFixed(3)} ms of server CPU; ` +
        `the 6 HTTP requests of a full sign-in cost ≥ ${requestsMs.toFixed(2)} ms before any work (the 2 in-process trigger calls not counted)`,
      `with the crypto floor (${floorMs.toFixed(2)} ms) that is ≥ ${(requestsMs + floorMs).toFixed(2)} ms per sign-in: ` +
        `at most ${(1000 / (requestsMs + floorMs)).toFixed(0)} per CPU second for this request shape, ` +
        `${((100 * 1000) / (requestsMs + floorMs) / floorResult.signInsPerCpuSecond).toFixed(0)}% of the floor; measured: ${best.serverCpuMs.toFixed(2)} ms`,
    );
  }
  loads.push(`end: ${loadAverage()} (others: ${othersBusy()})`);

  console.log(`\n${textTable(rows)}\n`);
  console.log(
    `crypto floor (CPU ${SERVER_CPU ?? 'any'}): ${floorRate.toFixed(0)} sign-ins per CPU second, ${floorResult.usPerSignIn.toFixed(0)} µs each (${Object.entries(
      floorResult.usPerOp,
    )
      .map(([k, v]) => `${k} ${v.toFixed(0)} µs`)
      .join(', ')})`,
  );
  for (const [goal, measured, value, met] of goals) {
    console.log(`${met === undefined ? '·' : met ? '✓' : '✗'} ${goal}: ${measured} → ${value}`);
  }
  for (const bound of bounds) console.log(`bound: ${bound}`);
  console.log(`load average: ${loads.join('; ')}`);

  const summary = { rows, floor: floorResult, goals, bounds, loads, notes, profile };
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2));
  if (resultsFile) writeResults(resultsFile, floorResult, goals, bounds);
  return errors === 0 ? 0 : 1;
}

/** The peers live in bench/node_modules: `npm ci` there on first use (bench/package-lock.json). */
function installPeers(): void {
  const bench = import.meta.dirname;
  const installed = ['better-auth', '@better-auth/passkey', 'cognito-local'].every((name) =>
    existsSync(join(bench, 'node_modules', name, 'package.json')),
  );
  if (installed) return;
  log('installing the peers (npm ci in bench/)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: bench,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function versions(): string {
  const v = (cmd: string, argv: string[]) => {
    try {
      return execFileSync(cmd, argv, { encoding: 'utf8', cwd: REPO }).trim();
    } catch {
      return '?';
    }
  };
  /** The version installed where `from` resolves `name` (reading package.json: some packages do not export it). */
  const pkg = (name: string, from = REPO) => {
    for (let dir = from; ; dir = dirname(dir)) {
      try {
        return (
          JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
            version: string;
          }
        ).version;
      } catch {
        if (dir === dirname(dir)) return 'not installed';
      }
    }
  };
  const server = join(REPO, 'packages', 'server');
  const bench = import.meta.dirname;
  return [
    `- Node ${process.version}, OpenSSL ${process.versions.openssl}, V8 ${process.versions.v8}`,
    `- Latchkey ${v('git', ['describe', '--always', '--dirty'])} (working tree), server run as \`${serverMode === 'tsx' ? 'node packages/server/bin/latchkey.js serve' : 'esbuild bundle of src/cli.ts'}\`; fastify ${pkg('fastify', server)}, @simplewebauthn/server ${pkg('@simplewebauthn/server', server)}, jose ${pkg('jose', server)}, better-sqlite3 ${pkg('better-sqlite3', server)}, tsx ${pkg('tsx', server)}`,
    `- better-auth ${pkg('better-auth', bench)} + @better-auth/passkey ${pkg('@better-auth/passkey', bench)}, cognito-local ${pkg('cognito-local', bench)}`,
  ].join('\n');
}

function writeResults(
  file: string,
  floorResult: ReturnType<typeof floor>,
  goals: [string, string, string, boolean | undefined][],
  bounds: string[],
): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const text = `# Benchmark results

Generated by \`${['node', '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)].join(' ')}\` on ${startedAt.toISOString()}.

## Machine

- ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${v('uname', ['-r'])}
${versions()}
- Placement: server on CPU ${SERVER_CPU ?? 'any'} (\`taskset\`), load generator on CPU 1, crypto floor on CPU ${SERVER_CPU ?? 'any'}; SQLite (WAL) in a temp dir; OTP mail over SMTP to a sink in the load generator
- Load average (1, 5, 15 min): ${loads.join('; ')}
- Warm-up ${warmupMs / 1000} s, measured window ${durationMs / 1000} s per row, ${userCount} users

## Results

${markdownTable(rows)}

Crypto floor on CPU ${SERVER_CPU ?? 'any'}: **${floorResult.signInsPerCpuSecond.toFixed(0)} sign-ins per CPU second** (${floorResult.usPerSignIn.toFixed(0)} µs: ${Object.entries(
    floorResult.usPerOp,
  )
    .map(([k, n]) => `${k} ${n.toFixed(0)} µs`)
    .join(', ')}; one ES256 verification, two RS256 signatures, three HS256).

${
  profile
    ? `## Where the server's CPU goes (full passkey sign-in)

A separate run of the full sign-in (${profile.concurrency} clients) under \`node --cpu-prof\`: ${profile.rate.toFixed(0)} sign-ins/s while profiled, ${profile.perSignIn.toFixed(2)} ms of server CPU per sign-in (\`/proc\`), of which ${profile.mainThread.toFixed(2)} ms on the main thread, whose samples give the self time by layer. RSA signatures (node:crypto's callback form) run on libuv's thread pool, outside the main thread's profile: they are most of the "other threads" line. (Samples are taken on the wall clock: on a busy machine the main thread's share includes time the OS gave to other processes.)

| layer | share | ms per sign-in |
|---|---:|---:|
${profile.layers.map(([name, share]) => `| ${name} | ${(100 * share).toFixed(1)}% | ${(share * (profile?.perSignIn ?? 0)).toFixed(2)} |`).join('\n')}

`
    : ''
}## Goals

| goal | measured | value | met |
|---|---|---|---|
${goals.map(([g, m, val, met]) => `| ${g} | ${m} | ${val} | ${met === undefined ? '–' : met ? 'yes' : 'no'} |`).join('\n')}
${bounds.length ? `\nMeasured bounds of this run:\n\n${bounds.map((b) => `- ${b}`).join('\n')}\n` : ''}`;
  // A hand-written analysis below the marker survives a new run.
  const MARKER = '<!-- analysis: kept across runs -->';
  let analysis = `${MARKER}\n`;
  try {
    const previous = readFileSync(file, 'utf8');
    const at = previous.indexOf(MARKER);
    if (at >= 0) analysis = previous.slice(at);
  } catch {
    // first run
  }
  writeFileSync(file, `${text}\n${analysis}`);
  log(`wrote ${file}`);
}

function v(cmd: string, argv: string[]): string {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  for (const s of servers) await s.stop().catch(() => undefined);
  await sink.close();
  rmSync(dataRoot, { recursive: true, force: true });
}
process.exit(code);
