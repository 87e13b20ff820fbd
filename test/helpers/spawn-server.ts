/**
 * @module Runs the built `hush server` as a real child process and reads its banner, for tests
 * of what a user sees on `npm start` (dev mode, restarts, TLS).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The command's Node entry: the CLI bundle (dist/hush.cjs) run by bin/hush.js, as `npm test` builds it
 * (the installed command, bin/hush, is a shell launcher that starts it: test/cli/launcher.test.ts). */
export const hushBin = resolve(import.meta.dirname, '..', '..', 'bin', 'hush.js');

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly banner: string;
  readonly address: string;
  readonly rootToken: string;
  readonly caFile?: string;
  stop(): Promise<number | null>;
}

/** Starts `hush server ARGS` and resolves once its banner has been printed. */
export function spawnServer(args: readonly string[], cwd: string): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [hushBin, 'server', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const address = /Address:\s+(\S+)/.exec(out)?.[1];
      const rootToken = /Root token:\s+(\S+)/.exec(out)?.[1];
      if (address && rootToken && out.includes('Try it:') && out.trimEnd().includes('python3')) {
        clearTimeout(timer);
        resolvePromise({
          child,
          banner: out,
          address,
          rootToken,
          caFile: /CA cert:\s+(\S+)/.exec(out)?.[1],
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res(child.exitCode);
              child.once('exit', (code) => res(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err.trim()}`));
    });
  });
}

/** A `hush server --config FILE` process, once it says it is listening. */
export interface ConfiguredServer {
  readonly child: ChildProcess;
  /** What it printed when it started. */
  readonly banner: string;
  /** What it has written to stderr so far. */
  stderr(): string;
  /** SIGTERM, or `signal`; resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `hush server --config configFile` with `env` and resolves once it listens. */
export function spawnConfiguredServer(configFile: string, env: NodeJS.ProcessEnv): Promise<ConfiguredServer> {
  const child = spawn(process.execPath, [hushBin, 'server', '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolvePromise, reject) => {
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Hush server listening on')) {
        resolvePromise({
          child,
          banner: out,
          stderr: () => err,
          stop: (signal = 'SIGTERM') =>
            new Promise((res) => {
              if (child.exitCode !== null || child.signalCode !== null) return res();
              child.once('exit', () => res());
              child.kill(signal);
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err.trim()}`)));
  });
}
