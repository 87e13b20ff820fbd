import { describe, expect, it } from 'vitest';
import { parseTomlContract } from './toml-contract.js';

const parse = (text: string) => parseTomlContract(text, 'hush.toml');
const error = (text: string) => {
  try {
    parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the contract to be refused');
};

describe('parseTomlContract', () => {
  it('reads tables, inline tables and the short form, in file order', () => {
    const c = parse(`
[tool.other]
ignored = true

[env.DATABASE_URL]
type = "database-url"
description = "the main database"

[env.DEBUG]
type = "bool"
default = false

[env.PORT]
type = "int"
min = 1
max = 65535
default = 8000

[env.SECRET_KEY]
min_length = 50

[env.ALLOWED_HOSTS]
type = "list"
separator = ";"
choices = ["a.example", "b.example"]

[env.SENTRY_DSN]
type = "url"
optional = true
schemes = ["HTTPS"]
`);
    expect(c.file).toBe('hush.toml');
    const byName = Object.fromEntries(c.variables.map((v) => [v.name, v]));
    expect(c.variables.map((v) => v.name)).toEqual(['DATABASE_URL', 'DEBUG', 'PORT', 'SECRET_KEY', 'ALLOWED_HOSTS', 'SENTRY_DSN']);
    expect(byName.DATABASE_URL).toMatchObject({ type: 'database-url', optional: false, description: 'the main database', where: 'hush.toml: env.DATABASE_URL' });
    expect(byName.DEBUG).toMatchObject({ type: 'bool', optional: true, default: 'false' });
    expect(byName.PORT).toMatchObject({ type: 'int', min: 1n, max: 65535n, default: '8000', optional: true });
    expect(byName.SECRET_KEY).toMatchObject({ type: 'str', minLength: 50, optional: false });
    expect(byName.ALLOWED_HOSTS).toMatchObject({ type: 'list', separator: ';', choices: ['a.example', 'b.example'] });
    expect(byName.SENTRY_DSN).toMatchObject({ type: 'url', optional: true, schemes: ['https'] });
    expect(byName.SENTRY_DSN!.default).toBeUndefined();
  });

  it('reads the short form NAME = "type" and inline tables', () => {
    const c = parse('[env]\nALLOWED_HOSTS = "list"\nPORT = { type = "int", max = 10 }\n');
    expect(c.variables.map((v) => [v.name, v.type, v.max])).toEqual([
      ['ALLOWED_HOSTS', 'list', undefined],
      ['PORT', 'int', 10n],
    ]);
  });

  it('names file, line and column of a TOML syntax error, in one line', () => {
    const msg = error('[env.A]\ntype = "str"\ntype = "int"\n');
    expect(msg).toMatch(/^hush\.toml:3:\d+: invalid TOML: /);
    expect(msg).not.toContain('\n');
    expect(error('[env.A\n')).toMatch(/^hush\.toml:1:\d+: invalid TOML/);
  });

  it('names the key of an invalid declaration', () => {
    expect(error('[env.PORT]\ntype = "integer"\n')).toBe(
      'hush.toml: env.PORT.type: unknown type "integer" (use str, int, bool, url, list, json, database-url)',
    );
    expect(error('[env]\nPORT = "integer"\n')).toMatch(/^hush\.toml: env\.PORT: unknown type "integer"/);
    expect(error('[env.PORT]\ntype = "int"\nmn = 1\n')).toMatch(/^hush\.toml: env\.PORT\.mn: unknown setting "mn"/);
    expect(error('[env.PORT]\ntype = "int"\nmin = "one"\n')).toBe('hush.toml: env.PORT.min: must be an integer');
    expect(error('[env.PORT]\ntype = "int"\nmin = 10\nmax = 1\n')).toBe('hush.toml: env.PORT.min: is above max');
    expect(error('[env.PORT]\ntype = "int"\ndefault = "eighty"\n')).toBe(
      'hush.toml: env.PORT.default: the default does not pass its own check: not an integer',
    );
    expect(error('[env.PORT]\ntype = "int"\nmax = 10\ndefault = 11\n')).toMatch(/env\.PORT\.default: .*above max 10/);
    expect(error('[env.DEBUG]\ntype = "bool"\nmin_length = 3\n')).toBe('hush.toml: env.DEBUG.min_length: min_length applies only to str, not bool');
    expect(error('[env.X]\npattern = "("\n')).toBe('hush.toml: env.X.pattern: is not a valid regular expression');
    expect(error('[env.X]\nchoices = []\n')).toBe('hush.toml: env.X.choices: must be a non-empty list of strings');
    expect(error('[env.X]\noptional = "yes"\n')).toBe('hush.toml: env.X.optional: must be true or false');
    expect(error('[env.X]\noptional = false\ndefault = "a"\n')).toMatch(/^hush\.toml: env\.X\.optional: a variable with a default is optional/);
    expect(error('[env.X]\nmin_length = -1\n')).toBe('hush.toml: env.X.min_length: must be a whole number, 0 or more');
    expect(error('[env.L]\ntype = "list"\nseparator = ""\n')).toBe('hush.toml: env.L.separator: must not be empty');
    expect(error('[env]\n"BAD-NAME" = "str"\n')).toMatch(/^hush\.toml: env\.BAD-NAME: "BAD-NAME" is not a valid environment variable name/);
    expect(error('[env]\nX = 3\n')).toMatch(/^hush\.toml: env\.X: must be a table/);
  });

  it('requires an [env] table', () => {
    expect(error('[tool]\na = 1\n')).toBe('hush.toml: no [env] table (declare variables as [env.NAME] with a type)');
    expect(error('env = 3\n')).toMatch(/^hush\.toml: env must be a table/);
  });
});
