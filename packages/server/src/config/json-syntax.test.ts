import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax.js';

describe('findJsonSyntaxError', () => {
  it('accepts everything JSON.parse accepts', () => {
    for (const text of ['{}', ' [1, -2.5e+3, "a\\u00e9\\n", true, false, null, {"a": {}}] ', '0', '"x"']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeNull();
    }
  });

  it.each([
    ['{"a": 1,}', 8, 'trailing comma before }'],
    ['[1, 2,]', 6, 'trailing comma before ]'],
    ["{'a': 1}", 1, 'expected a property name in double quotes'],
    ['{"a" 1}', 5, "expected ':' after property name"],
    ['{"a": 01}', 7, 'invalid number'],
    ['{"a": "b\nc"}', 8, 'control character (such as a line break) inside a string; escape it'],
    ['{"a": "\\x"}', 8, 'invalid escape in string'],
    ['{"a": tru}', 6, 'expected a value (string, number, object, array, true, false or null)'],
    ['{"a": 1} x', 9, 'unexpected text after the end of the JSON value'],
    ['{"a": "b', 8, 'unexpected end of input'],
    ['', 0, 'unexpected end of input'],
  ])('locates the error in %j', (text, position, reason) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toMatchObject({ position, reason });
  });

  it('counts lines and columns from 1', () => {
    expect(findJsonSyntaxError('{\n  "a": 1\n  "b": 2\n}')).toEqual({
      position: 13,
      line: 3,
      column: 3,
      reason: "expected ',' or '}' after property value",
    });
  });
});
