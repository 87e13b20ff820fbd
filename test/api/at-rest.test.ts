/**
 * Nothing plaintext on disk: thousands of known secret values and tokens are written through
 * the API with a file audit device on; then the raw SQLite files (database and WAL) and the
 * audit log bytes are searched for every one of them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('secrets at rest', () => {
  it('no secret value or token appears in the SQLite files or the audit log', async () => {
    const token = s.rootToken;
    const auditPath = join(s.dataDir, 'audit.log');
    expect((await api(s, 'PUT', 'sys/audit/file', { token, body: { type: 'file', options: { file_path: auditPath } } })).status).toBe(204);

    const values: string[] = [];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 2000; i++) {
      const v = `SECRETVAL${randomBytes(12).toString('hex')}`;
      values.push(v);
      writes.push(api(s, 'PUT', `secret/data/leak/k${i}`, { token, body: { data: { password: v } } }));
      if (writes.length === 64) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const tokens: string[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await api(s, 'POST', 'auth/token/create', { token, body: { policies: ['default'] } });
      tokens.push(res.body.auth.client_token, res.body.auth.accessor);
    }
    // Read some back so response audit entries carry values too.
    for (let i = 0; i < 50; i++) {
      expect((await api(s, 'GET', `secret/data/leak/k${i}`, { token })).body.data.data.password).toBe(values[i]);
    }

    const files = readdirSync(s.dataDir).filter((f) => f.startsWith('hush.db'));
    expect(files).toContain('hush.db');
    const blobs = [...files.map((f) => readFileSync(join(s.dataDir, f))), readFileSync(auditPath)];
    for (const f of files) expect(statSync(join(s.dataDir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(auditPath).mode & 0o777).toBe(0o600);
    const needles = [...values, ...tokens, token];
    for (const blob of blobs) {
      const hay = blob.toString('latin1');
      const found = needles.filter((n) => hay.includes(n));
      expect(found).toEqual([]);
    }
    // The audit log did record the traffic, hashed, and its chain verifies.
    const audit = readFileSync(auditPath, 'utf8');
    expect(audit).toContain('hmac-sha256:');
    expect(audit.split('\n').filter(Boolean).length).toBeGreaterThan(4000);
    expect((await verifyAuditLog(auditPath)).ok).toBe(true);
  });
});
