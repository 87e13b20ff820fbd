import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file.js';
import { buildRunEnvironment, planFetches } from './run-environment.js';
import type { SecretData } from './kv-source.js';

const fetched = new Map<string, SecretData | undefined>([
  ['secret/common', { SHARED: 'common', A: 'a-common', NUM: 5, OBJ: { x: 1 } }],
  ['secret/prod', { SHARED: 'prod', B: 'b-prod', DB_PASSWORD: 'pw-prod' }],
  ['secret/prod?version=1', { DB_PASSWORD: 'pw-v1' }],
  ['secret/gone', undefined],
]);

const file = (text: string, name = '.env') => ({ file: name, entries: parseEnvFile(text, name) });

describe('run environment', () => {
  it('plans each distinct fetch once', () => {
    const plan = planFetches({
      paths: ['secret/common', '/secret/prod/'],
      envFiles: [file('X=hush://secret/prod#B\nY=hush://secret/prod#SHARED\nZ=hush://secret/prod?version=1#DB_PASSWORD\nP=plain')],
    });
    expect(plan).toEqual([{ path: 'secret/common' }, { path: 'secret/prod' }, { path: 'secret/prod', version: 1 }]);
  });

  it('lets a later --path beat an earlier one, and turns non-strings into JSON', () => {
    const r = buildRunEnvironment({ paths: ['secret/common', 'secret/prod'], envFiles: [], baseEnv: {}, override: false }, fetched);
    expect(r.env).toMatchObject({ SHARED: 'prod', A: 'a-common', B: 'b-prod', NUM: '5', OBJ: '{"x":1}' });
    const r2 = buildRunEnvironment({ paths: ['secret/prod', 'secret/common'], envFiles: [], baseEnv: {}, override: false }, fetched);
    expect(r2.env.SHARED).toBe('common');
  });

  it('lets env-file entries beat --path, later files beat earlier ones', () => {
    const r = buildRunEnvironment(
      {
        paths: ['secret/prod'],
        envFiles: [file('SHARED=hush://secret/common#SHARED\nB=plain-b\nOLD=hush://secret/prod?version=1#DB_PASSWORD'), file('B=later-b', 'b.env')],
        baseEnv: {},
        override: false,
      },
      fetched,
    );
    expect(r.env).toMatchObject({ SHARED: 'common', B: 'later-b', OLD: 'pw-v1', DB_PASSWORD: 'pw-prod' });
    expect(new Map(r.secrets)).toEqual(new Map([['SHARED', 'common'], ['DB_PASSWORD', 'pw-prod'], ['OLD', 'pw-v1']]));
  });

  it('keeps the existing environment unless override', () => {
    const input = { paths: ['secret/prod'], envFiles: [file('B=file-b\nP=file-p')], baseEnv: { SHARED: 'mine', B: 'my-b', HOME: '/root' } };
    const kept = buildRunEnvironment({ ...input, override: false }, fetched);
    expect(kept.env).toMatchObject({ SHARED: 'mine', B: 'my-b', P: 'file-p', HOME: '/root', DB_PASSWORD: 'pw-prod' });
    expect(kept.shadowed).toEqual(['SHARED']);
    expect(kept.secrets.has('SHARED')).toBe(false);
    const over = buildRunEnvironment({ ...input, override: true }, fetched);
    expect(over.env).toMatchObject({ SHARED: 'prod', B: 'file-b', HOME: '/root' });
  });

  it('fails naming the variable and reference when a reference does not resolve', () => {
    const run = (text: string) => () =>
      buildRunEnvironment({ paths: [], envFiles: [file(text, 'app.env')], baseEnv: {}, override: false }, fetched);
    expect(run('OK=hush://secret/prod#B\nDB_URL=hush://secret/prod#NOPE')).toThrow(
      'DB_URL (app.env:2) refers to hush://secret/prod#NOPE, but secret/prod has no key NOPE',
    );
    expect(run('X=hush://secret/gone#K\nY=hush://secret/gone#L')).toThrow(
      'X (app.env:1) refers to hush://secret/gone#K, but there is no secret at secret/gone (and 1 more unresolved reference)',
    );
    expect(run('X=hush://secret#K')).toThrow(/^X \(app\.env:1\): bad reference/);
    expect(() => buildRunEnvironment({ paths: ['secret/gone'], envFiles: [], baseEnv: {}, override: false }, fetched)).toThrow(
      'no secret at secret/gone',
    );
  });
});
