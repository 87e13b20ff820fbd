/**
 * `sys/tools/random` and `sys/tools/hash` through real HTTP, in Vault's request forms (bytes and
 * source in the URL or the body, hex or base64), checked against Node's own hashes; refusals are
 * Vault-shaped 400s; a token with only the default policy may hash but not draw random bytes.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
const call = (path: string, body: unknown = {}, token = s.rootToken) => api(s, 'PUT', path, { token, body });

beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
});
afterAll(async () => s?.close());

describe('sys/tools/random', () => {
  it('returns the bytes asked for, in the URL or the body, base64 by default or hex', async () => {
    const plain = await call('sys/tools/random');
    expect(plain.status).toBe(200);
    expect(Buffer.from(plain.body.data.random_bytes, 'base64')).toHaveLength(32);
    const hex = await call('sys/tools/random/50', { format: 'hex' });
    expect(hex.body.data.random_bytes).toMatch(/^[0-9a-f]{100}$/);
    const both = await call('sys/tools/random/platform/16');
    expect(Buffer.from(both.body.data.random_bytes, 'base64')).toHaveLength(16);
    const inBody = await call('sys/tools/random', { bytes: 8, source: 'all' });
    expect(Buffer.from(inBody.body.data.random_bytes, 'base64')).toHaveLength(8);
    expect((await call('sys/tools/random/64')).body.data.random_bytes).not.toBe((await call('sys/tools/random/64')).body.data.random_bytes);
  });

  it('refuses a bad count, source or format with a 400 in Vault\'s shape', async () => {
    for (const [path, body, message] of [
      ['sys/tools/random/0', {}, 'between 1 and 131072'],
      ['sys/tools/random', { bytes: 131073 }, 'between 1 and 131072'],
      ['sys/tools/random', { bytes: 'lots' }, 'between 1 and 131072'],
      ['sys/tools/random/seal/8', {}, 'unsupported entropy source'],
      ['sys/tools/random', { format: 'binary' }, 'unsupported encoding format'],
    ] as const) {
      const res = await call(path, body);
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0]).toContain(message);
    }
  });
});

describe('sys/tools/hash', () => {
  const input = Buffer.from('hello hush');
  it('hashes base64 input with the algorithm from the URL or the body, hex by default or base64', async () => {
    for (const [name, node] of [
      ['sha2-224', 'sha224'],
      ['sha2-256', 'sha256'],
      ['sha2-384', 'sha384'],
      ['sha2-512', 'sha512'],
      ['sha3-256', 'sha3-256'],
      ['sha3-512', 'sha3-512'],
    ]) {
      const res = await call(`sys/tools/hash/${name}`, { input: input.toString('base64') });
      expect(res.body.data.sum, name).toBe(createHash(node as string).update(input).digest('hex'));
    }
    expect((await call('sys/tools/hash', { input: input.toString('base64') })).body.data.sum).toBe(createHash('sha256').update(input).digest('hex'));
    const b64 = await call('sys/tools/hash', { input: input.toString('base64'), algorithm: 'sha2-512/256', format: 'base64' });
    expect(b64.body.data.sum).toBe(createHash('sha512-256').update(input).digest('base64'));
  });

  it('refuses an unknown algorithm, missing or undecodable input', async () => {
    expect((await call('sys/tools/hash/md5', { input: 'aGk=' })).body.errors[0]).toContain('unsupported algorithm');
    expect((await call('sys/tools/hash', {})).body.errors[0]).toContain('missing input');
    expect((await call('sys/tools/hash', { input: 'not base64!' })).body.errors[0]).toContain('unable to decode input as base64');
  });

  it("is allowed by the default policy; random bytes are not", async () => {
    const created = await call('auth/token/create', { policies: ['default'] });
    const token = created.body.auth.client_token as string;
    expect((await call('sys/tools/hash', { input: 'aGk=' }, token)).status).toBe(200);
    expect((await call('sys/tools/random', {}, token)).status).toBe(403);
  });
});
