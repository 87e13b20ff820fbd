import { describe, expect, it } from 'vitest';
import { parseEnvExampleContract } from './env-example-contract.js';

const parse = (text: string) => parseEnvExampleContract(text, '.env.example');
const summary = (text: string) =>
  Object.fromEntries(
    parse(text).variables.map((v) => [
      v.name,
      { type: v.type, optional: v.optional, ...(v.default !== undefined ? { default: v.default } : {}) },
    ]),
  );
const error = (text: string) => {
  try {
    parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the contract to be refused');
};

describe('parseEnvExampleContract', () => {
  it('reads type hints from trailing comments; lines without one are required str', () => {
    const text = [
      '# Django settings (a whole-line comment is not a hint)',
      'SECRET_KEY=change-me',
      'EMPTY_NO_HINT=',
      'DATABASE_URL=postgres://user:password@localhost:5432/dbname  # database-url',
      'DEBUG=false  # bool, optional',
      'PORT=8000            # type: int, default=8000',
      'ALLOWED_HOSTS=  # list',
      'EMAIL_PORT=# int, required',
      'export CACHE_URL=redis://localhost:6379/0 # url',
      'SENTRY_DSN="https://k@sentry.example/1" # url, optional',
      "FEATURES='{\"a\": 1}'  # json",
      'HASH=abc#not-a-comment',
      'NOTE=x  # the key from the admin console',
    ].join('\n');
    expect(summary(text)).toEqual({
      SECRET_KEY: { type: 'str', optional: false },
      EMPTY_NO_HINT: { type: 'str', optional: false },
      DATABASE_URL: { type: 'database-url', optional: false },
      DEBUG: { type: 'bool', optional: true },
      PORT: { type: 'int', optional: true, default: '8000' },
      ALLOWED_HOSTS: { type: 'list', optional: false },
      EMAIL_PORT: { type: 'int', optional: false },
      CACHE_URL: { type: 'url', optional: false },
      SENTRY_DSN: { type: 'url', optional: true },
      FEATURES: { type: 'json', optional: false },
      HASH: { type: 'str', optional: false },
      NOTE: { type: 'str', optional: false },
    });
  });

  it('reads key=value settings, quoted when they hold commas', () => {
    const [port, env, hosts, key, token] = parse(
      [
        'PORT=  # int, min=1, max=65535',
        'APP_ENV=dev  # str, choices=dev|staging|prod, default=dev',
        'ALLOWED_HOSTS=  # list, separator=";", default="a.example;b.example"',
        'SECRET_KEY=  # min_length=50',
        'TOKEN=  # pattern="[a-f0-9]{8,}", description="from the vendor, hex"',
      ].join('\n'),
    ).variables;
    expect(port).toMatchObject({ type: 'int', min: 1n, max: 65535n, where: '.env.example:1' });
    expect(env).toMatchObject({ type: 'str', choices: ['dev', 'staging', 'prod'], default: 'dev', optional: true });
    expect(hosts).toMatchObject({ type: 'list', separator: ';', default: 'a.example;b.example' });
    expect(key).toMatchObject({ type: 'str', minLength: 50 });
    expect(token!.pattern?.source).toBe('[a-f0-9]{8,}');
    expect(token!.description).toBe('from the vendor, hex');
  });

  it('finds the hint after a multi-line quoted value, and counts lines right', () => {
    const c = parse('CERT="-----BEGIN-----\nabc\n-----END-----"  # str, optional\nPORT=1 # int\n');
    expect(c.variables.map((v) => [v.name, v.type, v.optional, v.where])).toEqual([
      ['CERT', 'str', true, '.env.example:1'],
      ['PORT', 'int', false, '.env.example:4'],
    ]);
  });

  it('refuses a bad hint, naming file and line', () => {
    expect(error('A=1\nPORT=8000  # int, mandatory\n')).toBe('.env.example:2: unknown hint "mandatory" (use a type, optional, required or key=value)');
    expect(error('PORT=  # type: integer\n')).toMatch(/^\.env\.example:1: unknown hint "integer"/);
    expect(error('PORT=  # int,, optional\n')).toMatch(/^\.env\.example:1: an empty hint/);
    expect(error('PORT=  # int, bool\n')).toBe('.env.example:1: two types in one hint');
    expect(error('PORT=  # int, maximum=3\n')).toMatch(/^\.env\.example:1: unknown hint "maximum="/);
    expect(error('PORT=  # int, default=eighty\n')).toBe('.env.example:1: the default does not pass its own check: not an integer');
    expect(error('PORT=  # int, min_length=3\n')).toBe('.env.example:1: min_length applies only to str, not int');
    expect(error('X=  # required, default=a\n')).toMatch(/^\.env\.example:1: a variable with a default is optional/);
  });

  it('refuses a variable declared twice, and a malformed line', () => {
    expect(error('A=1\nB=2\nA=3\n')).toBe('.env.example:3: A is declared twice (first at .env.example:1)');
    expect(error('A="unterminated\n')).toMatch(/^\.env\.example:1: unterminated/);
  });
});
