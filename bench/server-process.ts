/**
 * @module Runs the built `hush server --dev` in a child process for benchmarks, so that the
 * load generator and the server do not share an event loop, and samples the server's RSS; or
 * `hush server --config` (PostgreSQL storage, `postgres.ts`), initialised and unsealed here. The
 * server gets the Node options and environment it runs with everywhere (`server-node-options.ts`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/helpers/free-port.js';
import { SERVER_NODE_OPTIONS, serverEnvironment } from '../src/config/server-node-options.js';

const root = resolve(import.meta.dirname, '..');

export interface BenchServer {
  readonly address: string;
  readonly token: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Highest RSS seen by {@link sampleRss} so far, in MiB. */
  peakRssMiB(): number;
  sampleRss(): void;
  stop(): Promise<void>;
}

/** Starts the built `hush server --dev` on a fresh data directory, with a known root token. */
export async function startBenchServer(): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hush-bench-'));
  const port = await freePort();
  const token = 'bench-root-token';
  const args = ['server', '--dev', '--data-dir', dataDir, '--dev-listen-address', `127.0.0.1:${port}`, '--dev-root-token-id', token];
  const child = spawnServer(args, process.env);
  const address = `http://127.0.0.1:${port}`;
  await untilHealthAnswers(address, [200]);
  return benchServer(child, address, token, dataDir);
}

/**
 * Starts the built `hush server --config` with `config` (HCL; `PORT` in it is replaced by a free
 * port) and `env` added to the environment, then initialises it with one key share and unseals it.
 */
export async function startConfiguredBenchServer(config: string, env: NodeJS.ProcessEnv): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hush-bench-'));
  const port = await freePort();
  const file = join(dataDir, 'server.hcl');
  writeFileSync(file, config.replaceAll('PORT', String(port)));
  const child = spawnServer(['server', '--config', file], { ...process.env, ...env });
  const address = `http://127.0.0.1:${port}`;
  await untilHealthAnswers(address, [501, 503]); // uninitialised, or sealed
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${address}/v1/${path}`, { method: 'PUT', body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`bench setup: PUT ${path} answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const init = await call('sys/init', { secret_shares: 1, secret_threshold: 1 });
  await call('sys/unseal', { key: (init['keys'] as string[])[0] });
  await untilHealthAnswers(address, [200]);
  return benchServer(child, address, String(init['root_token']), dataDir);
}

function spawnServer(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [...SERVER_NODE_OPTIONS, join(root, 'dist/cli/main.js'), ...args], {
    env: serverEnvironment(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Waits (10 s at most) until `sys/health` answers one of `statuses`. */
async function untilHealthAnswers(address: string, statuses: readonly number[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${address}/v1/sys/health`);
      if (statuses.includes(res.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the bench server at ${address} did not come up`);
}

function benchServer(child: ChildProcess, address: string, token: string, dataDir: string): BenchServer {
  let peak = 0;
  return {
    address,
    token,
    dataDir,
    pid: child.pid!,
    peakRssMiB: () => peak,
    sampleRss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
