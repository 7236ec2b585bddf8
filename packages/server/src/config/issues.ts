import type { z } from 'zod';
import { ENV_ALIASES } from './env.js';
import { closestKey, configKeysAt } from './schema-walk.js';

/** Where a config value came from. */
export type ValueSource =
  | { kind: 'env'; variable: string }
  | { kind: 'file' }
  | { kind: 'defaults' }
  | { kind: 'override' };

/**
 * Remembers where the value at each path came from; a later
 * write to a path replaces what was recorded for it and below it.
 */
export class SourceMap {
  readonly #sources = new Map<string, ValueSource>();

  set(path: readonly string[], source: ValueSource): void {
    const key = path.join('.');
    for (const existing of [...this.#sources.keys()]) {
      if (existing === key || existing.startsWith(`${key}.`)) this.#sources.delete(existing);
    }
    this.#sources.set(key, source);
  }

  /** The source of the value at `path`: that of its closest recorded ancestor (or itself). */
  lookup(path: readonly (string | number)[]): ValueSource | undefined {
    for (let length = path.length; length > 0; length--) {
      const source = this.#sources.get(path.slice(0, length).join('.'));
      if (source) return source;
    }
    return undefined;
  }
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function origin(source: ValueSource | undefined): string {
  if (source?.kind === 'env') return ` (from ${source.variable})`;
  if (source?.kind === 'override') return ' (from overrides)';
  if (source?.kind === 'defaults') return ' (from defaults)';
  return '';
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
}

function variablesUnder(path: readonly PropertyKey[]): string[] {
  const prefix = path.map(String).join('.');
  return ENV_ALIASES.filter(({ path: aliasPath }) => {
    const key = aliasPath.join('.');
    return key === prefix || key.startsWith(`${prefix}.`);
  }).map(({ variable }) => variable);
}

/**
 * One line per problem: `<dotted.path>: <message>`, followed by the variable
 * that supplied the value when it came from the environment. Unknown keys get
 * a line each, with a suggestion when one is close. Values are never quoted,
 * so secrets cannot leak into logs.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], sources: SourceMap): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = configKeysAt(path);
      for (const key of issue.keys) {
        const suggestion = closestKey(key, known);
        const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
        lines.push(
          `${dotted([...path, key])}: unknown setting${hint}${origin(sources.lookup([...path, key]))}`,
        );
      }
    } else if (isMissing(issue)) {
      const variables = variablesUnder(path);
      const hint = variables.length === 0 ? '' : ` (can be set with ${variables.join(', ')})`;
      lines.push(`${dotted(path)}: required${hint}${origin(sources.lookup(path))}`);
    } else {
      lines.push(`${dotted(path)}: ${issue.message}${origin(sources.lookup(path))}`);
    }
  }
  return lines;
}
