/**
 * @module AppRole login throughput: logins per second at 32 connections against a running
 * server, each answered with a new token. With service tokens (role `bench`) every login also
 * writes a token durably; with batch tokens (role `bench-batch`, `token_type=batch`) nothing is
 * written, which is what the comparison shows. Sets up its own mount (`bench-approle/`), policy
 * and roles with an unlimited, non-expiring secret ID, so that only the login itself is
 * measured. Called from `run.ts`.
 */
import { runLoad } from './load.js';
import type { LoadResult } from './load.js';

const MOUNT = 'bench-approle';

interface DataResponse {
  readonly data: Record<string, unknown>;
}

async function call(server: { address: string; token: string; pid?: number }, method: string, path: string, body?: unknown): Promise<DataResponse | undefined> {
  const res = await fetch(`${server.address}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': server.token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`AppRole bench setup: ${method} ${path} answered ${res.status}`);
  return res.status === 204 ? undefined : ((await res.json()) as DataResponse);
}

/** Logins per second; `tokenType` picks the role (`bench` or `bench-batch`) and the row name. */
export async function benchAppRoleLogin(
  server: { address: string; token: string; pid?: number },
  seconds: number,
  tokenType: 'service' | 'batch' = 'service',
): Promise<LoadResult> {
  const mounts = await call(server, 'GET', 'sys/auth');
  // The two variants share the mount; enable it only once.
  if (!mounts?.data[`${MOUNT}/`]) await call(server, 'PUT', `sys/auth/${MOUNT}`, { type: 'approle' });
  await call(server, 'PUT', 'sys/policies/acl/bench-approle', { policy: 'path "secret/data/bench/*" { capabilities = ["read"] }' });
  const role = tokenType === 'batch' ? 'bench-batch' : 'bench';
  await call(server, 'POST', `auth/${MOUNT}/role/${role}`, { token_policies: 'bench-approle', token_ttl: '10m', token_type: tokenType });
  const roleId = String((await call(server, 'GET', `auth/${MOUNT}/role/${role}/role-id`))?.data['role_id']);
  const secretId = String((await call(server, 'POST', `auth/${MOUNT}/role/${role}/secret-id`, {}))?.data['secret_id']);
  return runLoad({
    name: tokenType === 'batch' ? 'AppRole login (batch token)' : 'AppRole login (new token each)',
    url: `${server.address}/v1/auth/${MOUNT}/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role_id: roleId, secret_id: secretId }),
    connections: 32,
    seconds,
  }, undefined, server.pid);
}
