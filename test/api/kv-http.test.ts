/**
 * KV v2, KV v1 and cubbyhole through real HTTP: envelope shapes, the LIST verb, a deleted
 * version's 404 with metadata, check-and-set under 20 racing writers, and restart persistence.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await startTestServer();
  token = s.rootToken;
});
afterAll(async () => s?.close());

/** Sends raw bytes and collects the answer until the server closes or `until` matches. */
function raw(server: TestServer, bytes: string, until: (text: string) => boolean): Promise<string> {
  const { port } = new URL(server.address);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1', () => sock.write(bytes));
    let text = '';
    sock.on('data', (d) => {
      text += d.toString('utf8');
      if (until(text)) {
        sock.destroy();
        resolve(text);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(text));
  });
}

describe('KV v2 over HTTP', () => {
  it('writes and reads with Vault envelope shapes', async () => {
    const w = await api(s, 'POST', 'secret/data/myapp/database', { token, body: { data: { password: 'pw1' } } });
    expect(w.status).toBe(200);
    expect(w.headers.get('content-type')).toBe('application/json');
    expect(w.body).toMatchObject({ lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, auth: null });
    expect(w.body.data).toMatchObject({ version: 1, destroyed: false, deletion_time: '' });
    const r = await api(s, 'GET', 'secret/data/myapp/database', { token });
    expect(r.body.data.data).toEqual({ password: 'pw1' });
    expect(typeof r.body.request_id).toBe('string');
    expect(r.body.data.metadata.version).toBe(1);
  });

  it('answers a missing secret with 404 and empty errors', async () => {
    const r = await api(s, 'GET', 'secret/data/nope', { token });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: [] });
  });

  it('answers a deleted version with 404 carrying its metadata', async () => {
    await api(s, 'PUT', 'secret/data/del/me', { token, body: { data: { a: '1' } } });
    expect((await api(s, 'DELETE', 'secret/data/del/me', { token })).status).toBe(204);
    const r = await api(s, 'GET', 'secret/data/del/me', { token });
    expect(r.status).toBe(404);
    expect(r.body.data.data).toBeNull();
    expect(r.body.data.metadata.deletion_time).not.toBe('');
    expect((await api(s, 'POST', 'secret/undelete/del/me', { token, body: { versions: [1] } })).status).toBe(204);
    expect((await api(s, 'GET', 'secret/data/del/me', { token })).body.data.data).toEqual({ a: '1' });
  });

  it('patches with merge-patch JSON', async () => {
    await api(s, 'PUT', 'secret/data/patch/me', { token, body: { data: { a: '1', b: '2' } } });
    const p = await api(s, 'PATCH', 'secret/data/patch/me', {
      token,
      body: { data: { b: null, c: '3' } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(p.status).toBe(200);
    expect((await api(s, 'GET', 'secret/data/patch/me', { token })).body.data.data).toEqual({ a: '1', c: '3' });
  });

  it('lists with ?list=true, the LIST verb, and several LISTs on one keep-alive socket', async () => {
    await api(s, 'PUT', 'secret/data/tree/a', { token, body: { data: { x: '1' } } });
    await api(s, 'PUT', 'secret/data/tree/sub/b', { token, body: { data: { x: '1' } } });
    for (const q of ['true', 'True', '1']) {
      const r = await api(s, 'GET', `secret/metadata/tree?list=${q}`, { token });
      expect(r.body.data.keys).toEqual(['a', 'sub/']);
    }
    const one = `LIST /v1/secret/metadata/tree HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${token}\r\n\r\n`;
    const get = `GET /v1/secret/data/tree/a HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${token}\r\n\r\n`;
    const text = await raw(s, one + get + one + one, (t) => (t.match(/HTTP\/1\.1 200/g) ?? []).length >= 4 && t.trimEnd().endsWith('}'));
    expect((text.match(/HTTP\/1\.1 200/g) ?? []).length).toBe(4);
    expect((text.match(/"keys":\["a","sub\/"\]/g) ?? []).length).toBe(3);
  });

  it('loses no update when 20 writers race check-and-set on one key', async () => {
    await api(s, 'PUT', 'secret/data/race', { token, body: { data: { n: 0 } } });
    const writer = async (id: number) => {
      for (let i = 0; i < 5; i++) {
        for (;;) {
          const cur = await api(s, 'GET', 'secret/data/race', { token });
          const version = cur.body.data.metadata.version;
          const w = await api(s, 'PUT', 'secret/data/race', {
            token,
            body: { options: { cas: version }, data: { n: cur.body.data.data.n + 1, last: id } },
          });
          if (w.status === 200) break;
          expect(w.status).toBe(400);
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
    const final = await api(s, 'GET', 'secret/data/race', { token });
    expect(final.body.data.data.n).toBe(100);
    expect(final.body.data.metadata.version).toBe(101);
  });
});

describe('KV v1 and cubbyhole over HTTP', () => {
  it('KV v1 stores the body as the secret', async () => {
    expect((await api(s, 'POST', 'sys/mounts/kv1', { token, body: { type: 'kv', options: { version: '1' } } })).status).toBe(204);
    expect((await api(s, 'PUT', 'kv1/app/config', { token, body: { api_key: 'k1' } })).status).toBe(204);
    expect((await api(s, 'GET', 'kv1/app/config', { token })).body.data).toEqual({ api_key: 'k1' });
    expect((await api(s, 'GET', 'kv1/app?list=true', { token })).body.data.keys).toEqual(['config']);
  });

  it("one token cannot read another token's cubbyhole", async () => {
    const other = (await api(s, 'POST', 'auth/token/create', { token, body: { policies: ['default'] } })).body.auth.client_token;
    expect((await api(s, 'PUT', 'cubbyhole/note', { token, body: { v: 'mine' } })).status).toBe(204);
    expect((await api(s, 'GET', 'cubbyhole/note', { token })).body.data).toEqual({ v: 'mine' });
    expect((await api(s, 'GET', 'cubbyhole/note', { token: other })).status).toBe(404);
  });
});

describe('requests the server must refuse cleanly', () => {
  it('malformed JSON, wrong types, unknown paths, missing tokens', async () => {
    const bad = await api(s, 'PUT', 'secret/data/x', { token, body: '{"data": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/JSON/);
    const arr = await api(s, 'PUT', 'secret/data/x', { token, body: '[1,2]' });
    expect(arr.status).toBe(400);
    const nodata = await api(s, 'PUT', 'secret/data/x', { token, body: { data: 'string' } });
    expect(nodata.status).toBe(400);
    const unknown = await api(s, 'GET', 'nomount/foo', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]).toMatch(/no handler for route/);
    const noToken = await api(s, 'GET', 'secret/data/myapp/database');
    expect(noToken.status).toBe(403);
    expect(noToken.body.errors).toEqual(['permission denied']);
    const badToken = await api(s, 'GET', 'secret/data/myapp/database', { headers: { authorization: 'Bearer hvs.nope' } });
    expect(badToken.status).toBe(403);
    const bearer = await api(s, 'GET', 'secret/data/myapp/database', { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
    const ns = await api(s, 'GET', 'secret/data/myapp/database', { token, headers: { 'x-vault-namespace': '' } });
    expect(ns.status).toBe(200);
  });

  it('refuses a path too long to store with 400, and writes nothing of it', async () => {
    const long = `team/${'a'.repeat(3000)}`;
    const refused = await api(s, 'PUT', `secret/data/${long}`, { token, body: { data: { k: 'v' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(['path too long: a storage key may hold at most 2048 bytes']);
    expect((await api(s, 'GET', `secret/metadata/${long}`, { token })).status).toBe(404);
    const list = await api(s, 'LIST', 'secret/metadata/team', { token });
    expect(list.status).toBe(404); // nothing under team/ at all
    const fine = await api(s, 'PUT', `secret/data/team/${'b'.repeat(1500)}`, { token, body: { data: { k: 'v' } } });
    expect(fine.status).toBe(200);
  });

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const small = await startTestServer({ storage: 'memory', maxRequestBytes: 1024 });
    try {
      const big = await api(small, 'PUT', 'secret/data/big', { token: small.rootToken, body: { data: { v: 'x'.repeat(4096) } } });
      expect(big.status).toBe(413);
      expect(Array.isArray(big.body.errors)).toBe(true);
      const ok = await api(small, 'PUT', 'secret/data/small', { token: small.rootToken, body: { data: { v: 'x' } } });
      expect(ok.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});
