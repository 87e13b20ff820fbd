/**
 * Audit through real HTTP: devices enabled, listed and disabled; request and response lines
 * with every string HMAC'd; sys/audit-hash finds a value in the log; log_raw; and fail closed
 * (when the only device cannot write, the request fails and no secret is returned).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
  token = s.rootToken;
});
afterAll(async () => s?.close());

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('audit devices over HTTP', () => {
  it('logs hashed request and response entries and sys/audit-hash matches them', async () => {
    const path = join(s.dataDir, 'a.log');
    expect((await api(s, 'PUT', 'sys/audit/main', { token, body: { type: 'file', options: { file_path: path } } })).status).toBe(204);
    const list = await api(s, 'GET', 'sys/audit', { token });
    expect(list.body['main/']).toMatchObject({ type: 'file', path: 'main/', options: { file_path: path } });
    await api(s, 'PUT', 'secret/data/audited', { token, body: { data: { password: 'hunter2-audited' } } });
    await api(s, 'GET', 'secret/data/audited', { token });
    const entries = lines(path);
    const read = entries.find((e) => e.type === 'response' && e.request.path === 'secret/data/audited' && e.request.operation === 'read');
    expect(read).toBeDefined();
    expect(read.request.client_token).toMatch(/^hmac-sha256:/);
    const hashed = read.response.data.data.password;
    expect(hashed).toMatch(/^hmac-sha256:/);
    const viaApi = await api(s, 'PUT', 'sys/audit-hash/main', { token, body: { input: 'hunter2-audited' } });
    expect(viaApi.body.hash).toBe(hashed);
    expect(readFileSync(path, 'utf8')).not.toContain('hunter2-audited');
    expect((await api(s, 'DELETE', 'sys/audit/main', { token })).status).toBe(204);
    expect(Object.keys((await api(s, 'GET', 'sys/audit', { token })).body.data)).toEqual([]);
  });

  it('log_raw=true writes values as they are (operator opt-in)', async () => {
    const path = join(s.dataDir, 'raw.log');
    await api(s, 'PUT', 'sys/audit/raw', { token, body: { type: 'file', options: { file_path: path, log_raw: 'true' } } });
    await api(s, 'PUT', 'secret/data/rawtest', { token, body: { data: { v: 'visible-in-raw' } } });
    expect(readFileSync(path, 'utf8')).toContain('visible-in-raw');
    await api(s, 'DELETE', 'sys/audit/raw', { token });
  });

  it('fails closed: no secret is returned when the only device cannot write', async () => {
    await api(s, 'PUT', 'secret/data/guarded', { token, body: { data: { password: 'must-not-leak' } } });
    const dir = join(s.dataDir, 'auditdir');
    mkdirSync(dir);
    const path = join(dir, 'audit.log');
    await api(s, 'PUT', 'sys/audit/closed', { token, body: { type: 'file', options: { file_path: path } } });
    expect((await api(s, 'GET', 'secret/data/guarded', { token })).status).toBe(200);
    // Make the device unwritable (we run as root, so permissions would not stop it): the log's
    // directory becomes a plain file, and the device is reopened as after a SIGHUP.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a directory');
    await s.core.audit().reopen().catch(() => undefined);
    const refused = await api(s, 'GET', 'secret/data/guarded', { token });
    expect(refused.status).toBe(500);
    expect(JSON.stringify(refused.body)).not.toContain('must-not-leak');
    // A change whose request line cannot be written is not made (checked after the repair below).
    const write = await api(s, 'PUT', 'secret/data/guarded', { token, body: { data: { password: 'not-written' } } });
    expect(write.status).toBe(500);
    // Even disabling the device is refused while nothing can be audited (as in Vault)...
    expect((await api(s, 'DELETE', 'sys/audit/closed', { token })).status).toBe(500);
    // ...until the operator repairs the log's location and reopens it (SIGHUP in production).
    rmSync(dir);
    mkdirSync(dir);
    await s.core.audit().reopen();
    const repaired = await api(s, 'GET', 'secret/data/guarded', { token });
    expect(repaired.body.data.data.password).toBe('must-not-leak');
    expect(repaired.body.data.metadata.version).toBe(1);
    expect((await api(s, 'DELETE', 'sys/audit/closed', { token })).status).toBe(204);
  });

  it('logs refused requests too: a policy refusal and an unknown token, with the token hashed', async () => {
    const path = join(s.dataDir, 'refusals.log');
    await api(s, 'PUT', 'sys/audit/refusals', { token, body: { type: 'file', options: { file_path: path } } });
    await api(s, 'PUT', 'sys/policies/acl/elsewhere', { token, body: { policy: 'path "secret/data/other/*" { capabilities = ["read"] }' } });
    const limited = (await api(s, 'POST', 'auth/token/create', { token, body: { policies: ['elsewhere'] } })).body.auth.client_token;
    expect((await api(s, 'GET', 'secret/data/refused-here', { token: limited })).status).toBe(403);
    const forged = 'hvs.not-a-token-anyone-was-given';
    expect((await api(s, 'GET', 'secret/data/refused-here', { token: forged })).status).toBe(403);
    await api(s, 'DELETE', 'sys/audit/refusals', { token });

    const refused = lines(path).filter((e) => e.request.path === 'secret/data/refused-here');
    expect(refused.map((e) => e.type)).toEqual(['request', 'response', 'request', 'response']);
    for (const e of refused) {
      expect(e.error).toMatch(/permission denied/);
      expect(e.request.client_token).toMatch(/^hmac-sha256:/);
    }
    expect(refused[0].auth.policies).toEqual(['default', 'elsewhere']);
    expect(refused[2].auth).toBeUndefined();
    const raw = readFileSync(path, 'utf8');
    expect(raw).not.toContain(limited);
    expect(raw).not.toContain(forged);
  });

  it('audit devices need sudo', async () => {
    await api(s, 'PUT', 'sys/policies/acl/auditor', { token, body: { policy: 'path "sys/audit*" { capabilities = ["read", "update"] }' } });
    const t = (await api(s, 'POST', 'auth/token/create', { token, body: { policies: ['auditor'] } })).body.auth.client_token;
    expect((await api(s, 'GET', 'sys/audit', { token: t })).status).toBe(403);
  });
});
