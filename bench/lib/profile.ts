/**
 * Where the server's CPU goes: a V8 CPU profile (`node --cpu-prof`) of a server
 * under load, its self time grouped by layer. Only the last `windowMs` of the
 * profile (the measured window) counts; idle time is left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const WRITES = ['writev', 'writeBuffer', 'writeString', 'writeUtf8String', 'writeLatin1String'];

function layer({ functionName: f, url: u }: ProfileNode['callFrame']): string {
  if (f === '(idle)') return 'idle';
  if (f === '(garbage collector)') return 'garbage collection';
  if (u.includes('sqlite-driver') || u.includes('better-sqlite3')) return 'SQLite (statement execution)';
  if (u.includes('/kysely/')) return 'Kysely (query building and compiling)';
  if (u.includes('/src/store/')) return 'store code';
  if (/node:internal\/crypto|\/jose\/|\/fast-jwt\/|@simplewebauthn|@peculiar|asn1/.test(u))
    return 'crypto (node:crypto, fast-jwt, jose, SimpleWebAuthn)';
  if (/\/pino|sonic-boom|fast-redact|quick-format/.test(u)) return 'request logging (pino)';
  if (u.includes('/zod/')) return 'validation (zod)';
  if (
    /fastify|find-my-way|light-my-request|avvio|fast-json-stringify|secure-json-parse|undici|webstreams|node:_http|node:net|node:internal\/streams|node:internal\/http|js_transferable|\/src\/http\//.test(
      u,
    ) ||
    WRITES.includes(f)
  )
    return 'HTTP (Fastify, in-process inject, node:http)';
  if (/\/src\/user-pool\/|cognito-triggers|packages\/node\//.test(u))
    return 'user pool, triggers, server-API SDK';
  if (u.includes('/src/')) return 'auth API and core';
  return 'other (V8, JSON, promises, timers)';
}

/** Self time by layer, as fractions of the busy time, for the newest profile in `dir`. */
export function profileByLayer(
  dir: string,
  windowMs: number,
): { busySeconds: number; layers: [string, number][] } {
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .at(0);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  // The main thread's profile is the first one written (tsx's loader thread writes another).
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = profile.endTime - windowMs * 1000;
  const totals = new Map<string, number>();
  let busy = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from) return;
    const name = layer((nodes.get(id) as ProfileNode).callFrame);
    if (name === 'idle') return;
    totals.set(name, (totals.get(name) ?? 0) + dt);
    busy += dt;
  });
  return {
    busySeconds: busy / 1e6,
    layers: [...totals].sort((a, b) => b[1] - a[1]).map(([name, us]) => [name, us / busy]),
  };
}
