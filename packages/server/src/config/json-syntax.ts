/** Where and why a JSON text fails to parse. */
export interface JsonSyntaxProblem {
  /** Offset of the offending character, 0-based (UTF-16 code units). */
  position: number;
  /** 1-based line of `position`. */
  line: number;
  /** 1-based column of `position`. */
  column: number;
  /** What was expected there, phrased without quoting the text. */
  reason: string;
}

/**
 * Finds the first syntax error of a JSON text (RFC 8259), or null if it is valid.
 *
 * `JSON.parse` messages are not used because, depending on the Node version,
 * they quote a slice of the input, which in a config file may be a secret.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  const failure = scan(text);
  if (failure === null) return null;
  const before = text.slice(0, failure.position);
  const line = before.split('\n').length;
  const column = failure.position - (before.lastIndexOf('\n') + 1) + 1;
  return { position: failure.position, line, column, reason: failure.reason };
}

class Failure {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {}
}

function scan(text: string): Failure | null {
  let i = 0;
  function fail(reason: string): never {
    throw new Failure(i, i >= text.length ? 'unexpected end of input' : reason);
  }
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const expect = (char: string, reason: string): void => {
    if (text[i] !== char) fail(reason);
    i++;
  };

  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character (such as a line break) inside a string; escape it');
      if (c === 0x5c) {
        i++;
        const e = text.charAt(i);
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 1, i + 5))) fail('invalid \\u escape in string');
          i += 5;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') {
          i++;
        } else {
          fail('invalid escape in string');
        }
      } else {
        i++;
      }
    }
  };

  const number = (): void => {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (match === null) fail('invalid number');
    i += match[0].length;
    if (i < text.length && /[0-9A-Za-z.+-]/.test(text.charAt(i))) fail('invalid number');
  };

  const value = (): void => {
    skipSpace();
    const c = text.charAt(i);
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      if (literal === undefined)
        fail('expected a value (string, number, object, array, true, false or null)');
      i += literal.length;
    }
  };

  const object = (): void => {
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') {
        fail(text[i] === '}' ? 'trailing comma before }' : 'expected a property name in double quotes');
      }
      string();
      skipSpace();
      expect(':', "expected ':' after property name");
      value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expect('}', "expected ',' or '}' after property value");
      return;
    }
  };

  const array = (): void => {
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('trailing comma before ]');
      value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expect(']', "expected ',' or ']' after array element");
      return;
    }
  };

  try {
    value();
    skipSpace();
    if (i < text.length) fail('unexpected text after the end of the JSON value');
    return null;
  } catch (error) {
    if (error instanceof Failure) return error;
    if (error instanceof RangeError) return new Failure(i, 'nested too deeply');
    throw error;
  }
}
