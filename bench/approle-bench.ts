/**
 * @module AppRole login throughput: logins per second at 32 connections against a running
 * server, each answered with a new token (so every login also writes a token durably). Sets up
 * its own mount (`bench-approle/`), policy and role with an unlimited, non-expiring secret ID,
 * so that only the login itself is measured. Called from `run.ts`.
 */
import { runLoad } from './load.js';
import type { LoadResult } from './load.js';

const MOUNT = 'bench-approle';

interface DataResponse {
  readonly data: Record<string, unknown>;
}

async function call(server: { address: string; token: string }, method: string, path: string, body?: unknown): Promise<DataResponse | undefined> {
  const res = await fetch(`${server.address}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': server.token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`AppRole bench setup: ${method} ${path} answered ${res.status}`);
  return res.status === 204 ? undefined : ((await res.json()) as DataResponse);
}

export async function benchAppRoleLogin(server: { address: string; token: string }, seconds: number): Promise<LoadResult> {
  await call(server, 'PUT', `sys/auth/${MOUNT}`, { type: 'approle' });
  await call(server, 'PUT', 'sys/policies/acl/bench-approle', { policy: 'path "secret/data/bench/*" { capabilities = ["read"] }' });
  await call(server, 'POST', `auth/${MOUNT}/role/bench`, { token_policies: 'bench-approle', token_ttl: '10m' });
  const roleId = String((await call(server, 'GET', `auth/${MOUNT}/role/bench/role-id`))?.data['role_id']);
  const secretId = String((await call(server, 'POST', `auth/${MOUNT}/role/bench/secret-id`, {}))?.data['secret_id']);
  return runLoad({
    name: 'AppRole login (new token each)',
    url: `${server.address}/v1/auth/${MOUNT}/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    next: () => ({ body: JSON.stringify({ role_id: roleId, secret_id: secretId }) }),
    connections: 32,
    seconds,
  });
}
