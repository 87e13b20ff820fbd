/**
 * A server behind a load balancer (`x_forwarded_for_authorized_addrs`), over real HTTP: the
 * address the load balancer names is the client's for token CIDR bindings and the audit log;
 * the same header from a client that is not the load balancer changes nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCore, openBackend, serve } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import type { ServerConfig } from '../../src/config/server-config.js';
import { api } from '../helpers/test-server.js';
import { rawRequest } from '../helpers/raw-request.js';

let s: RunningServer;
let dir: string;
let root: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hush-xff-'));
  const config: ServerConfig = {
    storage: { type: 'memory' },
    listen: { host: '127.0.0.1', port: 0 },
    maxRequestBytes: 1 << 20,
    clusterName: 'xff',
    // the "load balancer" is this test, connecting from 127.0.0.1
    forwardedFor: { authorized: ['127.0.0.1/32'], hopSkips: 0, rejectNotAuthorized: false, rejectNotPresent: false },
  };
  const backend = await openBackend(config);
  s = await serve(config, buildCore(config, backend), backend);
  const init = await api(s, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
  root = init.body.root_token;
  await api(s, 'PUT', 'sys/unseal', { body: { key: init.body.keys[0] } });
  await api(s, 'PUT', 'sys/audit/file', { token: root, body: { type: 'file', options: { file_path: join(dir, 'audit.log'), log_raw: 'true' } } });
});
afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('X-Forwarded-For from an authorized load balancer', () => {
  it('gives the client address to CIDR bindings and the audit log', async () => {
    expect((await api(s, 'POST', 'auth/token/roles/office', { token: root, body: { token_bound_cidrs: ['203.0.113.0/24'] } })).status).toBe(204);
    const token = (await api(s, 'POST', 'auth/token/create/office', { token: root, body: { policies: ['default'] } })).body.auth.client_token as string;
    const lookup = async (xff?: string) => {
      const res = await fetch(`${s.address}/v1/auth/token/lookup-self`, { headers: { 'x-vault-token': token, ...(xff === undefined ? {} : { 'x-forwarded-for': xff }) } });
      return res.status;
    };
    expect(await lookup('203.0.113.9')).toBe(200);
    expect(await lookup('198.51.100.1, 203.0.113.9')).toBe(200); // the last hop is the one the balancer saw
    expect(await lookup('203.0.113.9, 198.51.100.1')).toBe(403);
    expect(await lookup()).toBe(403); // no header: the connection's own address
    expect(await lookup('not an address')).toBe(400);
    // the same header from 127.0.0.2, which is not the load balancer, changes nothing
    const fromElsewhere = await rawRequest(s.address, 'GET', 'auth/token/lookup-self', { 'x-vault-token': token, 'x-forwarded-for': '203.0.113.9' }, '127.0.0.2');
    expect(fromElsewhere.status).toBe(403);
    const lines = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { request: { path: string; remote_address: string } });
    const addresses = lines.filter((l) => l.request.path === 'auth/token/lookup-self').map((l) => l.request.remote_address);
    expect(new Set(addresses)).toEqual(new Set(['203.0.113.9', '198.51.100.1', '127.0.0.1', '127.0.0.2']));
  });
});
