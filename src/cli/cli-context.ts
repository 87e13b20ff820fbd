/**
 * @module What every API command needs: the server address and token from the environment
 * (`HUSH_*` first, then `VAULT_*`), the token file written by `hush login` (~/.hush-token, mode
 * 0600), TLS settings, and the client built from them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HushClient } from '../client/hush-client.js';

export interface CliEnv {
  readonly address: string;
  readonly token?: string;
  readonly caCertFile?: string;
  readonly skipVerify: boolean;
}

/** Where `hush login` keeps the token (HUSH_TOKEN_FILE overrides, for tests and CI). */
export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HUSH_TOKEN_FILE ?? join(homedir(), '.hush-token');
}

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const address = env.HUSH_ADDR ?? env.VAULT_ADDR ?? 'http://127.0.0.1:8200';
  let token = env.HUSH_TOKEN ?? env.VAULT_TOKEN;
  if (!token) {
    const file = tokenFilePath(env);
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim() || undefined;
  }
  const skip = env.HUSH_SKIP_VERIFY ?? env.VAULT_SKIP_VERIFY;
  return {
    address,
    token,
    caCertFile: env.HUSH_CACERT ?? env.VAULT_CACERT,
    skipVerify: skip !== undefined && skip !== '' && skip !== '0' && skip.toLowerCase() !== 'false',
  };
}

export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): HushClient {
  const e = readCliEnv(env);
  return new HushClient({ address: e.address, token: e.token, caCertFile: e.caCertFile, skipVerify: e.skipVerify });
}

/** Flags the vault CLI accepts on every API command, overriding the environment. */
export interface ConnectionFlags {
  readonly address?: string;
  readonly caCert?: string;
  readonly tlsSkipVerify?: boolean;
}

/** Adds `-address`, `-ca-cert` and `-tls-skip-verify` to a command. */
export function addConnectionFlags(cmd: Command): Command {
  return cmd
    .option('--address <url>', 'server address (overrides HUSH_ADDR / VAULT_ADDR)')
    .option('--ca-cert <file>', 'PEM CA certificate to trust (overrides HUSH_CACERT / VAULT_CACERT)')
    .option('--tls-skip-verify', 'do not verify the server certificate (insecure)');
}

/** Applies the connection flags for this process (called once, before the command runs). */
export function applyConnectionFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): void {
  if (flags.address) env.HUSH_ADDR = flags.address;
  if (flags.caCert) env.HUSH_CACERT = flags.caCert;
  if (flags.tlsSkipVerify) env.HUSH_SKIP_VERIFY = '1';
}
