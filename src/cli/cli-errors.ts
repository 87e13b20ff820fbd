/**
 * @module Turns any failure into the one line a user reads, and its exit code. No stack traces
 * reach users; unexpected errors say how to get more detail (HUSH_DEBUG=1).
 */
import { CommanderError } from 'commander';
import { HushError } from '../lib/errors.js';
import { ApiError, ConnectionError } from '../client/hush-client.js';

export interface CliFailure {
  readonly line: string;
  readonly exitCode: number;
}

/** A failure a command reports itself, with the exact line and exit code vault would use. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function describeFailure(err: unknown): CliFailure {
  if (err instanceof CliError) return { line: `Error: ${err.message.split('\n')[0]}`, exitCode: err.exitCode };
  if (err instanceof ApiError) {
    const what = err.errors.length > 0 ? err.errors.join('; ').replace(/\s+/g, ' ').trim() : `HTTP ${err.status}`;
    const hint =
      err.status === 403
        ? ' (check HUSH_TOKEN / VAULT_TOKEN and the token\'s policies)'
        : err.status === 503
          ? ' (the server is sealed: run hush operator unseal)'
          : '';
    return { line: `Error: ${err.status} on ${err.path}: ${what}${hint}`, exitCode: 2 };
  }
  if (err instanceof ConnectionError) {
    return { line: `Error: ${err.message} (is the server running? set HUSH_ADDR or VAULT_ADDR)`, exitCode: 2 };
  }
  if (err instanceof HushError) {
    return { line: `Error: ${err.message.split('\n')[0]}`, exitCode: err.code === 'bad_request' || err.code === 'not_found' ? 2 : 1 };
  }
  if (err instanceof CommanderError) return { line: '', exitCode: err.exitCode === 0 ? 0 : 2 };
  if (process.env.HUSH_DEBUG) console.error(err);
  const message = err instanceof Error ? err.message : String(err);
  return { line: `Error: ${message.split('\n')[0]} (set HUSH_DEBUG=1 for details)`, exitCode: 1 };
}
