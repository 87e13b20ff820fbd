import { describe, expect, it } from 'vitest';
import { defineVariable } from './contract.js';
import type { RawSettings } from './contract.js';
import { validateValue } from './validators.js';

const check = (raw: RawSettings, value: string) => validateValue(defineVariable('X', raw, 'test'), value);
const ok = (raw: RawSettings, values: readonly string[]) => values.map((v) => [v, check(raw, v)]);
const expectAllOk = (raw: RawSettings, values: readonly string[]) =>
  expect(ok(raw, values)).toEqual(values.map((v) => [v, undefined]));

describe('empty values', () => {
  it('are "empty" for a required variable of any type and fine for an optional one', () => {
    for (const type of ['str', 'int', 'bool', 'url', 'list', 'json', 'database-url']) {
      expect(check({ type }, '')).toBe('empty');
      expect(check({ type, optional: true }, '')).toBeUndefined();
    }
  });
});

describe('str', () => {
  it('accepts any non-empty value, spaces included', () => {
    expectAllOk({}, ['x', ' padded ', 'ünïcödé', 'a=b#c']);
  });
  it('checks min_length and max_length in characters, not bytes', () => {
    expect(check({ min_length: 5 }, 'abcd')).toBe('shorter than 5 characters');
    expect(check({ min_length: 5 }, 'ééééé')).toBeUndefined();
    expect(check({ max_length: 3 }, 'abcd')).toBe('longer than 3 characters');
    expect(check({ max_length: 3 }, 'abc')).toBeUndefined();
  });
  it('checks choices exactly (case matters)', () => {
    expect(check({ choices: ['dev', 'prod'] }, 'prod')).toBeUndefined();
    expect(check({ choices: ['dev', 'prod'] }, 'Prod')).toBe('not one of dev, prod');
  });
  it('matches the pattern against the whole value', () => {
    expect(check({ pattern: '[a-z]+' }, 'abc')).toBeUndefined();
    expect(check({ pattern: '[a-z]+' }, 'abc1')).toBe('does not match the pattern [a-z]+');
    expect(check({ pattern: 'a|b' }, 'ab')).toBe('does not match the pattern a|b');
  });
});

describe('int', () => {
  it('accepts base-10 integers with an optional sign', () => {
    expectAllOk({ type: 'int' }, ['0', '8000', '-1', '+5', '007', '123456789012345678901234567890']);
  });
  it('rejects anything else', () => {
    for (const v of ['1.5', '1e3', '0x10', '1_000', 'abc', '12a', '-', '٣']) expect(check({ type: 'int' }, v)).toBe('not an integer');
    expect(check({ type: 'int' }, ' 80')).toBe('has leading or trailing whitespace');
    expect(check({ type: 'int' }, '80\n')).toBe('has leading or trailing whitespace');
  });
  it('checks min and max inclusively, without the value in the message', () => {
    const port = { type: 'int', min: 1, max: 65535 };
    expectAllOk(port, ['1', '65535']);
    expect(check(port, '0')).toBe('below min 1');
    expect(check(port, '70000')).toBe('above max 65535');
    expect(check({ type: 'int', max: 10 }, '99999999999999999999999')).toBe('above max 10');
  });
});

describe('bool', () => {
  it('accepts the spellings Django settings libraries accept, in any case', () => {
    expectAllOk({ type: 'bool' }, ['true', 'False', 'TRUE', '1', '0', 'yes', 'No', 'on', 'OFF']);
  });
  it('rejects the rest', () => {
    for (const v of ['ture', '2', 'enabled', 'none', '-1', 't', 'f', 'y', 'n', 'ok']) expect(check({ type: 'bool' }, v)).toMatch(/^not a bool/);
    expect(check({ type: 'bool' }, 'true ')).toBe('has leading or trailing whitespace');
  });
});

describe('url', () => {
  it('accepts URLs with a scheme and a host', () => {
    expectAllOk({ type: 'url' }, ['https://example.com', 'http://127.0.0.1:8000/path?q=1', 'redis://:pw@cache:6379/0', 'smtp://u:p@mail.example.com:587', 'http://[::1]:80/']);
  });
  it('rejects values without a scheme or a host', () => {
    expect(check({ type: 'url' }, 'example.com')).toBe('not a URL');
    expect(check({ type: 'url' }, '/relative/path')).toBe('not a URL');
    expect(check({ type: 'url' }, 'mailto:ops@example.com')).toBe('not a URL with a host');
    expect(check({ type: 'url' }, 'file:///etc/passwd')).toBe('not a URL with a host');
    expect(check({ type: 'url' }, 'https://example.com\n')).toBe('has leading or trailing whitespace');
  });
  it('checks the scheme when the contract lists them', () => {
    expect(check({ type: 'url', schemes: ['https'] }, 'https://example.com')).toBeUndefined();
    expect(check({ type: 'url', schemes: ['https', 'http'] }, 'ftp://example.com')).toBe('the scheme is not https or http');
  });
});

describe('list', () => {
  it('accepts comma-separated items, spaces around them allowed', () => {
    expectAllOk({ type: 'list' }, ['a', 'a,b', 'example.com, www.example.com', '.example.com,localhost']);
  });
  it('names the position of an empty item', () => {
    expect(check({ type: 'list' }, 'a,,b')).toBe('item 2 of the list is empty');
    expect(check({ type: 'list' }, 'a,b,')).toBe('item 3 of the list is empty');
    expect(check({ type: 'list' }, ' , a')).toBe('item 1 of the list is empty');
  });
  it('uses the declared separator and checks items against choices', () => {
    expect(check({ type: 'list', separator: ';' }, 'a,b;c')).toBeUndefined();
    expect(check({ type: 'list', separator: ';' }, 'a;;c')).toBe('item 2 of the list is empty');
    expect(check({ type: 'list', choices: ['GET', 'POST'] }, 'GET,PUT')).toBe('item 2 of the list is not one of GET, POST');
  });
});

describe('json', () => {
  it('accepts any JSON document', () => {
    expectAllOk({ type: 'json' }, ['{}', '[1, 2]', '"s"', '3', 'null', ' {"a": {"b": [true]}} ']);
  });
  it('rejects what does not parse', () => {
    for (const v of ['{a: 1}', "{'a': 1}", '[1,]', 'undefined', '{"a": 1']) expect(check({ type: 'json' }, v)).toBe('not valid JSON');
  });
});

describe('database-url', () => {
  it('is checked by the database URL rules (see database-url.test.ts)', () => {
    expect(check({ type: 'database-url' }, 'postgres://app:pw@db:5432/app')).toBeUndefined();
    expect(check({ type: 'database-url' }, 'postgres://app:p/w@db:5432/app')).toMatch(/^not a valid database URL/);
  });
});

describe('problems never contain the value', () => {
  it('for every type and failure', () => {
    const secret = 'S3cr3t-Value-xyz';
    const cases: [RawSettings, string][] = [
      [{ min_length: 100 }, secret],
      [{ choices: ['a'] }, secret],
      [{ pattern: 'x' }, secret],
      [{ type: 'int' }, secret],
      [{ type: 'bool' }, secret],
      [{ type: 'url' }, secret],
      [{ type: 'url', schemes: ['https'] }, `http://${secret}.example`],
      [{ type: 'list', choices: ['a'] }, secret],
      [{ type: 'json' }, secret],
      [{ type: 'database-url' }, `postgres://u:${secret}/x@h/db`],
      [{ type: 'database-url' }, `${secret}://h/db`],
    ];
    for (const [raw, value] of cases) {
      const problem = check(raw, value);
      expect(problem).toBeDefined();
      expect(problem).not.toContain(secret);
    }
  });
});
