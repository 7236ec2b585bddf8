/** A JSON object being assembled from the file, the environment and overrides. */
export type ConfigTree = Record<string, unknown>;

/** Keys that would reach `Object.prototype` through a plain assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` may be used as a config path segment. */
export function isSafeKey(key: string): boolean {
  return !FORBIDDEN_KEYS.has(key);
}

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is ConfigTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defineOwn(target: ConfigTree, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function ownValue(target: ConfigTree, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

/**
 * Sets `value` at `path` in `tree`, creating (or replacing non-object values
 * with) intermediate objects.
 */
export function setPath(tree: ConfigTree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      defineOwn(node, key, value);
      return;
    }
    let next = ownValue(node, key);
    if (!isPlainObject(next)) {
      next = {};
      defineOwn(node, key, next);
    }
    node = next as ConfigTree;
  }
}

/**
 * Deep-merges `source` into `target`: objects merge key by key; arrays and
 * other values replace; `undefined` is skipped. Calls `onSet` with the path of
 * every value written.
 */
export function mergeInto(
  target: ConfigTree,
  source: ConfigTree,
  onSet: (path: readonly string[]) => void,
  prefix: readonly string[] = [],
): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const path = [...prefix, key];
    const existing = ownValue(target, key);
    if (isPlainObject(value)) {
      let node = existing;
      if (!isPlainObject(node)) {
        node = {};
        defineOwn(target, key, node);
      }
      mergeInto(node as ConfigTree, value, onSet, path);
    } else {
      defineOwn(target, key, Array.isArray(value) ? [...value] : value);
      onSet(path);
    }
  }
}
