/**
 * @module Starts a real Hush server in the test process: real HTTP on an ephemeral loopback
 * port, a real SQLite file in a temporary directory (or memory), initialised and unsealed the
 * way `hush server --dev` does it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { buildCore, openBackend, serve } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import { setUpDevServer } from '../../src/dev-setup.js';
import type { ServerConfig } from '../../src/config/server-config.js';
import type { Core } from '../../src/core/core.js';

export interface TestServer {
  readonly address: string;
  readonly rootToken: string;
  readonly dataDir: string;
  readonly core: Core;
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly storage?: 'sqlite' | 'memory';
  /** Reuse a data directory (to test restarts); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly maxRequestBytes?: number;
  readonly tls?: ServerConfig['tls'];
  /** Time between two sweeps of expired tokens and secret IDs (the server's default otherwise). */
  readonly sweepIntervalMs?: number;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hush-test-'));
  const storage = opts.storage ?? 'sqlite';
  const config: ServerConfig = {
    storage: storage === 'sqlite' ? { type: 'sqlite', path: join(dataDir, 'hush.db') } : { type: 'memory' },
    listen: { host: '127.0.0.1', port: 0 },
    tls: opts.tls,
    maxRequestBytes: opts.maxRequestBytes ?? 32 * 1024 * 1024,
    clusterName: 'hush-test',
  };
  const backend = await openBackend(config);
  const core = buildCore(config, backend, { devMounts: true, sweepIntervalMs: opts.sweepIntervalMs });
  const rootToken = await setUpDevServer(core, { dataDir: storage === 'sqlite' ? dataDir : undefined });
  const server = await serve(config, core, backend);
  return {
    address: server.address,
    rootToken,
    dataDir,
    core,
    async close() {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server on memory storage that nobody has initialised yet (for `sys/init` and what follows). */
export async function startUninitialisedServer(clusterName: string): Promise<RunningServer> {
  const config: ServerConfig = { storage: { type: 'memory' }, listen: { host: '127.0.0.1', port: 0 }, maxRequestBytes: 1 << 20, clusterName };
  const backend = await openBackend(config);
  return serve(config, buildCore(config, backend), backend);
}

/** Gives `keys` to `sys/unseal` one after the other; throws unless the server is then unsealed. */
export async function unsealWith(server: Pick<TestServer, 'address'>, keys: readonly string[]): Promise<void> {
  for (const key of keys) await api(server, 'PUT', 'sys/unseal', { body: { key } });
  const status = await api(server, 'GET', 'sys/seal-status');
  if (status.body?.sealed !== false) throw new Error(`still sealed after ${keys.length} unseal keys`);
}

/** A JSON request to the server; returns status, parsed body and headers. */
export async function api(
  server: Pick<TestServer, 'address'>,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['x-vault-token'] = opts.token;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${server.address}/v1/${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** PUT as the server's root token, failing the test unless it succeeds (mounts, roles, policies
 * a test sets up). */
export async function putAsRoot(
  server: Pick<TestServer, 'address' | 'rootToken'>,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await api(server, 'PUT', path, { token: server.rootToken, body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res;
}

/** A JSON request sent from `localAddress` (a loopback address such as 127.0.0.10), so the
 * server sees that source: for CIDR bindings and per-address lockout. */
export function apiFrom(
  server: Pick<TestServer, 'address'>,
  localAddress: string,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any }> {
  const url = new URL(`${server.address}/v1/${path}`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
