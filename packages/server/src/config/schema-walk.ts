import { z } from 'zod';
import { configSchema } from './schema.js';

type Schema = z.core.$ZodType;

/** Strips `.default()`, `.optional()` and `.nullable()` wrappers. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  while (
    current instanceof z.ZodDefault ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable
  ) {
    current = current.unwrap();
  }
  return current;
}

function fieldsOf(schema: Schema | undefined): Record<string, Schema> | undefined {
  if (schema === undefined) return undefined;
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, Schema>) : undefined;
}

/** Lowercase without underscores: `RELYING_PARTY`, `relyingparty` and `relyingParty` agree. */
function loose(segment: string): string {
  return segment.replaceAll('_', '').toLowerCase();
}

/** A path resolved against the config schema. */
export interface ResolvedPath {
  /** The segments, spelled as in the schema where they matched a field. */
  path: string[];
  /** Whether the field at the end of the path holds a string. */
  isString: boolean;
}

/**
 * Spells each segment as the schema does, matching case- and
 * underscore-insensitively (`OTP`/`MAX_ATTEMPTS` → `otp.maxAttempts`).
 * Segments that match no field are kept verbatim, so validation reports them.
 */
export function resolveConfigPath(segments: readonly string[]): ResolvedPath {
  let schema: Schema | undefined = configSchema;
  const path: string[] = [];
  for (const segment of segments) {
    const fields = fieldsOf(schema);
    const key = fields ? Object.keys(fields).find((name) => loose(name) === loose(segment)) : undefined;
    if (fields && key !== undefined) {
      path.push(key);
      schema = fields[key];
    } else {
      path.push(segment);
      schema = undefined;
    }
  }
  const leaf = schema === undefined ? undefined : unwrap(schema);
  return { path, isString: leaf !== undefined && leaf._zod.def.type === 'string' };
}

/** Field names of the object at `path` in the schema, or `[]` if there is none. */
export function configKeysAt(path: readonly (string | number)[]): string[] {
  let schema: Schema | undefined = configSchema;
  for (const segment of path) {
    if (schema === undefined) return [];
    const inner = unwrap(schema);
    if (inner instanceof z.ZodArray) {
      schema = inner.element as Schema;
      continue;
    }
    schema = fieldsOf(inner)?.[String(segment)];
  }
  return Object.keys(fieldsOf(schema) ?? {});
}

/** The known key closest to an unknown one (same letters ignoring case, or a small typo), if any. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance =
      loose(key) === loose(unknown) ? 0 : editDistance(key.toLowerCase(), unknown.toLowerCase());
    if (
      distance <= Math.min(2, Math.floor(key.length / 3)) &&
      (best === undefined || distance < best.distance)
    ) {
      best = { key, distance };
    }
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
