import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SecretData, SecretSource } from '../run/kv-source.js';
import { collectSecrets } from './collect-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'hush-collect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeSource(data: Record<string, SecretData>, reads: string[] = []): SecretSource {
  return {
    read(path, version) {
      const key = version === undefined ? path : `${path}?version=${version}`;
      reads.push(key);
      return Promise.resolve(data[key]);
    },
  };
}

describe('collectSecrets', () => {
  it('applies hush run\'s precedence without the environment, sorts names and stringifies non-strings', async () => {
    const envFile = join(dir, 'a.env');
    writeFileSync(envFile, 'Z_REF=hush://secret/app/base?version=1#SHARED\nPLAIN=plain\n');
    const reads: string[] = [];
    const source = fakeSource(
      {
        'secret/app/base': { SHARED: 'base', PORT: 5432, HOME: 'not-the-env' },
        'secret/app/prod': { SHARED: 'prod', OBJ: { a: 1 } },
        'secret/app/base?version=1': { SHARED: 'base-v1' },
      },
      reads,
    );
    const secrets = await collectSecrets({ paths: ['secret/app/base', '/secret/app/prod/'], envFiles: [envFile] }, () => source);
    expect([...secrets]).toEqual([
      ['HOME', 'not-the-env'],
      ['OBJ', '{"a":1}'],
      ['PLAIN', 'plain'],
      ['PORT', '5432'],
      ['SHARED', 'prod'],
      ['Z_REF', 'base-v1'],
    ]);
    expect(reads.sort()).toEqual(['secret/app/base', 'secret/app/base?version=1', 'secret/app/prod']);
  });

  it('fails on a missing secret or file, and without any source', async () => {
    await expect(collectSecrets({ paths: ['secret/none'], envFiles: [] }, () => fakeSource({}))).rejects.toThrow('no secret at secret/none');
    await expect(collectSecrets({ paths: [], envFiles: [join(dir, 'missing.env')] }, () => fakeSource({}))).rejects.toThrow(/cannot read --env-file .*missing\.env: ENOENT/);
    await expect(collectSecrets({ paths: [], envFiles: [] }, () => fakeSource({}))).rejects.toThrow(/^nothing to export/);
  });

  it('contacts no server for env files without references', async () => {
    const envFile = join(dir, 'plain.env');
    writeFileSync(envFile, 'A=1\n');
    const secrets = await collectSecrets({ paths: [], envFiles: [envFile] }, () => {
      throw new Error('no server needed');
    });
    expect(Object.fromEntries(secrets)).toEqual({ A: '1' });
  });
});
