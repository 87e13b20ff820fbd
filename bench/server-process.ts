/**
 * @module Runs the built `hush server --dev` in a child process for benchmarks, so that the
 * load generator and the server do not share an event loop, and samples the server's RSS. The
 * server gets the Node options and environment it runs with everywhere (`server-node-options.ts`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

export async function startBenchServer(): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hush-bench-'));
  const port = await freePort();
  const token = 'bench-root-token';
  const child: ChildProcess = spawn(
    process.execPath,
    [...SERVER_NODE_OPTIONS, join(root, 'dist/cli/main.js'), 'server', '--dev', '--data-dir', dataDir, '--dev-listen-address', `127.0.0.1:${port}`, '--dev-root-token-id', token],
    { env: serverEnvironment(process.env), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const address = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${address}/v1/sys/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
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
