import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../run/env-file.js';
import { dotenvLine, dotenvProblem, renderDotenv } from './dotenv-format.js';

/** What our python-dotenv-compatible parser and Node's dotenv read from one line. The real
 * Python readers are run on the same kinds of values in test/cli/export-import.test.ts. */
function readBack(line: string): [string | undefined, string | undefined] {
  return [parseEnvFile(`${line}\n`)[0]?.value, dotenv.parse(`${line}\n`).K];
}

describe('dotenvLine', () => {
  it('single-quotes by default, double-quotes values with a single quote, leaves the rest bare', () => {
    expect(dotenvLine('K', 'a b # c $HOME')).toBe("K='a b # c $HOME'");
    expect(dotenvLine('K', '')).toBe("K=''");
    expect(dotenvLine('K', 'C:\\path\\n')).toBe("K='C:\\path\\n'");
    expect(dotenvLine('K', "it's")).toBe('K="it\'s"');
    expect(dotenvLine('K', "'wrapped'")).toBe('K="\'wrapped\'"');
    expect(dotenvLine('K', `it's "x"`)).toBe(`K=it's "x"`);
    expect(dotenvLine('K', 'a\\\\b')).toBe('K=a\\\\b');
    expect(dotenvLine('K', 'end\\')).toBe('K=end\\');
  });

  it('refuses what no form carries for every reader, naming the key and not the value', () => {
    const refused: [string, RegExp][] = [
      ['multi\nline-SEKRIT', /line break/],
      ['cr\rSEKRIT', /line break/],
      ['ls\u2028SEKRIT', /line break/],
      ['pre${VAR}SEKRIT', /python-dotenv would expand/],
      ['"wrapped-SEKRIT"', /no quoting/],
      [`it's "x" # SEKRIT`, /no quoting/],
      [' it\'s "lead"-SEKRIT', /no quoting/],
      ["it's\\\\SEKRIT ", /no quoting/],
      ['nul\0SEKRIT', /NUL/],
    ];
    for (const [value, why] of refused) {
      expect(dotenvProblem(value)).toMatch(why);
      let message = '';
      try {
        dotenvLine('MY_KEY', value);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^cannot export MY_KEY to a \.env file: /);
      expect(message).not.toContain('SEKRIT');
    }
  });

  it('refuses names that are not variable names', () => {
    for (const name of ['my-key', '1ABC', 'A B', '', 'É']) {
      expect(() => dotenvLine(name, 'v')).toThrow(/not a valid variable name/);
    }
  });

  it('every accepted value reads back exactly with python-dotenv rules and Node dotenv (fuzzed)', () => {
    const alphabet = ['a', "'", '"', '\\', '#', '$', '{', '}', ' ', '\t', '=', 'é', '🔐', '`', ':', '-', 'n'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let value = '';
      const length = 1 + Math.floor(next() * 7);
      for (let j = 0; j < length; j++) value += alphabet[Math.floor(next() * alphabet.length)];
      if (dotenvProblem(value) !== undefined) continue;
      accepted++;
      expect(readBack(dotenvLine('K', value)), JSON.stringify(value)).toEqual([value, value]);
    }
    expect(accepted).toBeGreaterThan(1500);
  });

  it('renders one line per secret', () => {
    expect(renderDotenv(new Map([['A', '1'], ['B', "it's"]]))).toBe('A=\'1\'\nB="it\'s"\n');
  });
});
