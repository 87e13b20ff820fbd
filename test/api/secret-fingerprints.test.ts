/**
 * `sys/hush/secret-fingerprints` and `sys/hush/rotate-leaked` through real HTTP: fingerprints
 * only of what the token may list and read, never a value in the answer or the audit log, a
 * fresh key per request, versions; rotation by check-and-set, refused for stale versions, KV v1
 * and tokens without `update`.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;
beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
  root = s.rootToken;
  await put('secret/data/team-a/api', { api_key: TEAM_A_KEY, region: 'eu' });
  await put('secret/data/team-a/db', { password: TEAM_A_DB });
  await put('secret/data/team-b/db', { password: TEAM_B_DB });
});
afterAll(async () => s?.close());

const TEAM_A_KEY = 'ak_7Hq2pLx9RtVw4sNz8KcY';
const TEAM_A_DB = 'pg pass with spaces & "quotes"';
const TEAM_B_DB = 'team-b-Zx81-QpL0-mW3v';

async function put(path: string, data: Record<string, unknown>, token = root): Promise<void> {
  const r = await api(s, 'PUT', path, { token, body: { data } });
  expect(r.status).toBe(200);
}

async function tokenWith(policy: string): Promise<string> {
  const name = `p${Math.random().toString(36).slice(2)}`;
  expect((await api(s, 'PUT', `sys/policies/acl/${name}`, { token: root, body: { policy } })).status).toBe(204);
  const created = await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: [name], ttl: '1h' } });
  return created.body.auth.client_token as string;
}

const fingerprints = (token: string, body: Record<string, unknown> = {}) =>
  api(s, 'POST', 'sys/hush/secret-fingerprints', { token, body });

const hmac = (key: string, text: string) => createHmac('sha256', Buffer.from(key, 'base64')).update(text, 'utf8').digest('hex');

/** `mount+path#key@version` of every fingerprint, sorted. */
const names = (body: any): string[] =>
  body.data.fingerprints.map((f: any) => `${f.mount}${f.path}#${f.key}@${f.version}`).sort();

describe('sys/hush/secret-fingerprints', () => {
  it('returns HMACs of each value and its encoded forms, never the values', async () => {
    const r = await fingerprints(root, { paths: ['secret/team-a/'] });
    expect(r.status).toBe(200);
    expect(names(r.body)).toEqual(['secret/team-a/api#api_key@1', 'secret/team-a/db#password@1']);
    const { hmac_key: key, algorithm, skipped } = r.body.data;
    expect(algorithm).toBe('hmac-sha256');
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(skipped.short_values).toBe(1); // region "eu" is too short to fingerprint
    const db = r.body.data.fingerprints.find((f: any) => f.key === 'password');
    const forms = Object.fromEntries(db.forms.map((f: any) => [f.encoding, f]));
    expect(forms.plain).toEqual({ encoding: 'plain', length: TEAM_A_DB.length, hmac: hmac(key, TEAM_A_DB) });
    expect(forms.base64.hmac).toBe(hmac(key, Buffer.from(TEAM_A_DB).toString('base64')));
    expect(forms.url.hmac).toBe(hmac(key, encodeURIComponent(TEAM_A_DB)));
    expect(forms.json.hmac).toBe(hmac(key, JSON.stringify(TEAM_A_DB).slice(1, -1)));
    const text = JSON.stringify(r.body);
    for (const v of [TEAM_A_KEY, TEAM_A_DB, Buffer.from(TEAM_A_KEY).toString('base64'), encodeURIComponent(TEAM_A_DB)]) {
      expect(text).not.toContain(v);
    }
  });

  it('uses a fresh key for every request, so fingerprints do not repeat', async () => {
    const a = await fingerprints(root, { paths: ['secret/team-a/api'] });
    const b = await fingerprints(root, { paths: ['secret/team-a/api'] });
    expect(a.body.data.hmac_key).not.toBe(b.body.data.hmac_key);
    expect(a.body.data.fingerprints[0].forms[0].hmac).not.toBe(b.body.data.fingerprints[0].forms[0].hmac);
  });

  it('a token sees only what it may list and read', async () => {
    const readA = await tokenWith(`
      path "secret/data/team-a/*" { capabilities = ["read"] }
      path "secret/metadata/team-a/*" { capabilities = ["list"] }
      path "secret/data/team-a/api" { capabilities = ["deny"] }`);
    const own = await fingerprints(readA, { paths: ['secret/team-a/'] });
    expect(own.status).toBe(200);
    expect(names(own.body)).toEqual(['secret/team-a/db#password@1']);
    expect(own.body.data.skipped.unreadable_secrets).toBe(1);
    // Walking from the root needs list on the root folder: nothing, and nothing revealed.
    const all = await fingerprints(readA);
    expect(all.body.data.fingerprints).toEqual([]);
    expect(all.body.data.skipped.unlistable_folders).toBeGreaterThan(0);
    // Another team's secret named explicitly: read is refused, so no fingerprint.
    const other = await fingerprints(readA, { paths: ['secret/team-b/db'] });
    expect(other.body.data.fingerprints).toEqual([]);

    const listAll = await tokenWith(`
      path "secret/metadata/*" { capabilities = ["list"] }
      path "secret/data/team-b/*" { capabilities = ["read"] }`);
    const walked = await fingerprints(listAll, { mounts: ['secret'] });
    expect(names(walked.body)).toEqual(['secret/team-b/db#password@1']);
    expect(walked.body.data.skipped.unreadable_secrets).toBe(2);

    // An explicit deny on the route switches it off for that token.
    const switchedOff = await tokenWith(`
      path "secret/data/team-b/*" { capabilities = ["read"] }
      path "sys/hush/*" { capabilities = ["deny"] }`);
    const off = await fingerprints(switchedOff, { paths: ['secret/team-b/db'] });
    expect(off.status).toBe(403);
    expect(off.body.errors[0]).toMatch(/a policy denies sys\/hush\/secret-fingerprints/);

    // Read without list: a named secret is enough.
    const readOnly = await tokenWith('path "secret/data/team-b/db" { capabilities = ["read"] }');
    expect(names((await fingerprints(readOnly, { paths: ['secret/data/team-b/db'] })).body)).toEqual(['secret/team-b/db#password@1']);
  });

  it('reports each distinct value at the newest readable version holding it', async () => {
    await put('secret/data/versions/app', { token: 'first-value-0001', other: 'unchanged-value' });
    await put('secret/data/versions/app', { token: 'second-value-002', other: 'unchanged-value' });
    await put('secret/data/versions/app', { token: 'second-value-002', other: 'changed-value-3' });
    const r = await fingerprints(root, { paths: ['secret/versions/app'] });
    expect(names(r.body)).toEqual([
      'secret/versions/app#other@2',
      'secret/versions/app#other@3',
      'secret/versions/app#token@1',
      'secret/versions/app#token@3',
    ]);
    expect(r.body.data.fingerprints.every((f: any) => f.current_version === 3)).toBe(true);
    const onlyCurrent = await fingerprints(root, { paths: ['secret/versions/app'], versions: 1 });
    expect(names(onlyCurrent.body)).toEqual(['secret/versions/app#other@3', 'secret/versions/app#token@3']);
    // A destroyed version is not readable and so not fingerprinted.
    await api(s, 'PUT', 'secret/destroy/versions/app', { token: root, body: { versions: [1] } });
    expect(names((await fingerprints(root, { paths: ['secret/versions/app'] })).body)).not.toContain('secret/versions/app#token@1');
  });

  it('walks KV v1 mounts (version 0) and stops at max_secrets with truncated', async () => {
    expect((await api(s, 'POST', 'sys/mounts/kv1', { token: root, body: { type: 'kv', options: { version: '1' } } })).status).toBe(204);
    await api(s, 'PUT', 'kv1/ci/deploy', { token: root, body: { deploy_key: 'v1-deploy-key-123456' } });
    const v1 = await fingerprints(root, { mounts: ['kv1/'] });
    expect(names(v1.body)).toEqual(['kv1/ci/deploy#deploy_key@0']);
    const capped = await fingerprints(root, { mounts: ['secret'], max_secrets: 1 });
    expect(capped.body.data.truncated).toBe(true);
    expect(capped.body.data.secrets).toBe(1);
    expect(capped.body.warnings[0]).toMatch(/max_secrets/);
  });

  it('answers bad input and non-KV mounts in Vault\'s error shape, and needs a token', async () => {
    const notKv = await fingerprints(root, { mounts: ['cubbyhole'] });
    expect(notKv.status).toBe(400);
    expect(notKv.body.errors[0]).toMatch(/not a KV mount/);
    expect((await fingerprints(root, { max_secrets: 0 })).status).toBe(400);
    expect((await fingerprints(root, { paths: ['secret/../sys'] })).status).toBe(400);
    expect((await api(s, 'POST', 'sys/hush/secret-fingerprints', { body: {} })).status).toBe(403);
  });

  it('audit logs the answer HMAC\'d: neither the key nor a fingerprint appears raw', async () => {
    const path = join(s.dataDir, 'fp-audit.log');
    await api(s, 'PUT', 'sys/audit/fp', { token: root, body: { type: 'file', options: { file_path: path } } });
    const r = await fingerprints(root, { paths: ['secret/team-a/'] });
    await api(s, 'DELETE', 'sys/audit/fp', { token: root });
    const log = readFileSync(path, 'utf8');
    expect(log).toContain('sys/hush/secret-fingerprints');
    expect(log).not.toContain(r.body.data.hmac_key);
    expect(log).not.toContain(r.body.data.fingerprints[0].forms[0].hmac);
    expect(log).not.toContain(TEAM_A_KEY);
  });
});

describe('sys/hush/rotate-leaked', () => {
  const rotate = (token: string, body: Record<string, unknown>) => api(s, 'POST', 'sys/hush/rotate-leaked', { token, body });

  it('writes a new version with a fresh value of the same shape, keeping the other keys', async () => {
    await put('secret/data/rotate/app', { password: 'Abc123-xyz_789!Q', user: 'app-user-name' });
    const r = await rotate(root, { mount: 'secret', path: 'rotate/app', key: 'password', version: 1 });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ mount: 'secret/', path: 'rotate/app', key: 'password', leaked_version: 1, version: 2, length: 16 });
    const read = await api(s, 'GET', 'secret/data/rotate/app', { token: root });
    const fresh = read.body.data.data.password as string;
    expect(JSON.stringify(r.body)).not.toContain(fresh);
    expect(fresh).not.toBe('Abc123-xyz_789!Q');
    expect(fresh).toHaveLength(16);
    expect(fresh).toMatch(/^[A-Za-z0-9\-_!]+$/);
    for (const cls of [/[a-z]/, /[A-Z]/, /[0-9]/, /[-_!]/]) expect(fresh).toMatch(cls);
    expect(read.body.data.data.user).toBe('app-user-name');
    const meta = await api(s, 'GET', 'secret/metadata/rotate/app', { token: root });
    expect(meta.body.data.custom_metadata.hush_rotated_password).toMatch(/^leaked version 1 replaced by version 2 at /);

    // The same (now stale) finding again: refused by check-and-set, nothing written.
    const again = await rotate(root, { mount: 'secret', path: 'rotate/app', key: 'password', version: 1 });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatch(/version 2, not 1/);
    expect((await api(s, 'GET', 'secret/metadata/rotate/app', { token: root })).body.data.current_version).toBe(2);
  });

  it('refuses KV v1, tokens without update, and missing keys, each with a clear error', async () => {
    await api(s, 'POST', 'sys/mounts/kv1r', { token: root, body: { type: 'kv', options: { version: '1' } } });
    const v1 = await rotate(root, { mount: 'kv1r', path: 'x', key: 'k', version: 1 });
    expect(v1.status).toBe(400);
    expect(v1.body.errors[0]).toMatch(/KV version 1/);
    await put('secret/data/rotate/ro', { password: 'read-only-token-cannot' });
    const reader = await tokenWith('path "secret/data/rotate/*" { capabilities = ["read"] }');
    const denied = await rotate(reader, { mount: 'secret', path: 'rotate/ro', key: 'password', version: 1 });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0]).toMatch(/update/);
    const missing = await rotate(root, { mount: 'secret', path: 'rotate/ro', key: 'nope', version: 1 });
    expect(missing.status).toBe(400);
    expect((await rotate(root, { mount: 'secret', path: 'rotate/ro', key: 'password' })).status).toBe(400);
    expect((await api(s, 'GET', 'secret/metadata/rotate/ro', { token: root })).body.data.current_version).toBe(1);
  });

  it('needs read and update on the secret; without patch on its metadata the rotation is not noted', async () => {
    await put('secret/data/rotate/rights', { password: 'Rights-Check-123', other: 'kept' });
    const writer = await tokenWith('path "secret/data/rotate/*" { capabilities = ["update"] }');
    const refused = await rotate(writer, { mount: 'secret', path: 'rotate/rights', key: 'password', version: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatch(/needs "read" on secret\/data\/rotate\/rights/);
    const neither = await tokenWith('path "secret/data/rotate/*" { capabilities = ["list"] }');
    const refusedBoth = await rotate(neither, { mount: 'secret', path: 'rotate/rights', key: 'password', version: 1 });
    expect(refusedBoth.body.errors[0]).toMatch(/needs "read" and "update"/);
    const rotator = await tokenWith('path "secret/data/rotate/*" { capabilities = ["read", "update"] }');
    const done = await rotate(rotator, { mount: 'secret', path: 'rotate/rights', key: 'password', version: 1 });
    expect(done.status).toBe(200);
    expect(done.body.data.version).toBe(2);
    expect(done.body.warnings[0]).toMatch(/not noted in custom_metadata: that needs "patch" on secret\/metadata\/rotate\/rights/);
    const meta = await api(s, 'GET', 'secret/metadata/rotate/rights', { token: root });
    expect(meta.body.data.custom_metadata ?? {}).not.toHaveProperty('hush_rotated_password');
  });

  it('keeps hex values hex and base64 padding in place', async () => {
    await put('secret/data/rotate/shapes', { hex: 'deadbeef00112233445566778899aabb', b64: 'c2VjcmV0LXZhbHVlLTEyMw==' });
    await rotate(root, { mount: 'secret', path: 'rotate/shapes', key: 'hex', version: 1 });
    await rotate(root, { mount: 'secret', path: 'rotate/shapes', key: 'b64', version: 2 });
    const data = (await api(s, 'GET', 'secret/data/rotate/shapes', { token: root })).body.data.data;
    expect(data.hex).toMatch(/^[0-9a-f]{32}$/);
    expect(data.hex).not.toBe('deadbeef00112233445566778899aabb');
    expect(data.b64).toMatch(/^[A-Za-z0-9]{22}==$/);
  });
});
