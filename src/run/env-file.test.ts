import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file.js';

const parse = (text: string) => Object.fromEntries(parseEnvFile(text).map((e) => [e.name, e.value]));

describe('parseEnvFile (python-dotenv rules)', () => {
  it('reads plain, quoted, exported and commented entries', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'SPACED = spaced value   ',
      'export EXPORTED=yes',
      'COMMENTED=abc # trailing comment',
      'HASH=abc#not-a-comment',
      "SINGLE='single $NOT ${EXPANDED} \\n kept'",
      'DOUBLE="a\\tb\\nc \\"q\\" \\\\ d"',
      'AFTER_QUOTE="x" # comment',
      'EMPTY=',
      'EMPTY_QUOTED=""',
      "'QUOTED_KEY'=qk",
      'NO_VALUE',
      'URL=postgres://u:p@h:5432/db?sslmode=require',
    ].join('\n');
    expect(parse(text)).toEqual({
      PLAIN: 'value',
      SPACED: 'spaced value',
      EXPORTED: 'yes',
      COMMENTED: 'abc',
      HASH: 'abc#not-a-comment',
      SINGLE: 'single $NOT ${EXPANDED} \\n kept',
      DOUBLE: 'a\tb\nc "q" \\ d',
      AFTER_QUOTE: 'x',
      EMPTY: '',
      EMPTY_QUOTED: '',
      QUOTED_KEY: 'qk',
      URL: 'postgres://u:p@h:5432/db?sslmode=require',
    });
  });

  it('reads multi-line quoted values and keeps line numbers right', () => {
    const text = 'KEY="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nNEXT=1\r\nSQ=\'a\nb\'\nLAST=2';
    const entries = parseEnvFile(text);
    expect(entries.map((e) => [e.name, e.value, e.line])).toEqual([
      ['KEY', '-----BEGIN KEY-----\nabc\n-----END KEY-----', 1],
      ['NEXT', '1', 4],
      ['SQ', 'a\nb', 5],
      ['LAST', '2', 7],
    ]);
  });

  it('reads `KEY= # comment` as empty, like python-dotenv 1.2, and `KEY=#x` as "#x"', () => {
    expect(parse('A= # only a comment\nB=#x\nC=  \t# c\n')).toEqual({ A: '', B: '#x', C: '' });
  });

  it('keeps references and unicode as they are', () => {
    expect(parse('DB=hush://secret/app#DB_PASSWORD\nU="ünï 🙂"')).toEqual({ DB: 'hush://secret/app#DB_PASSWORD', U: 'ünï 🙂' });
  });

  it('reports errors with file and line, never the value', () => {
    expect(() => parseEnvFile('A=1\nB="unterminated secret-value', 'app.env')).toThrow(/app\.env:2: unterminated double-quoted value/);
    expect(() => parseEnvFile('A=1\nB="x" junk-secret', 'app.env')).toThrow(/^app\.env:2: unexpected text after the closing quote$/);
    expect(() => parseEnvFile('=nokey')).toThrow(/\.env:1/);
  });
});
