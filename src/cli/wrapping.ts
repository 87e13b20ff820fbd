/**
 * @module `-wrap-ttl=DURATION` on the CLI's commands, as the vault CLI has it: the server answers
 * with a single-use wrapping token instead of the data (`X-Vault-Wrap-TTL`), which `hush unwrap`
 * opens. Shown as the vault CLI shows it.
 */
import type { Command } from 'commander';
import type { HushClient } from '../client/hush-client.js';
import { clientFromEnv } from './cli-context.js';
import { formatDuration } from './output.js';
import { isRecord } from './secret-display.js';

export interface WrapFlags {
  wrapTtl?: string;
}

export function withWrapTtlFlag(cmd: Command): Command {
  return cmd.option('--wrap-ttl <duration>', 'answer with a single-use wrapping token valid this long (e.g. 120s) instead of the data');
}

/** The environment's client, asking for wrapped answers when `-wrap-ttl` was given. */
export function wrappingClient(flags: WrapFlags): HushClient {
  const client = clientFromEnv();
  return flags.wrapTtl ? client.withWrapTtl(flags.wrapTtl) : client;
}

/** The `wrap_info` of a wrapped answer, or undefined. */
export function wrapInfoOf(body: unknown): Readonly<Record<string, unknown>> | undefined {
  return isRecord(body) && isRecord(body.wrap_info) ? body.wrap_info : undefined;
}

/** The rows of a wrapped answer, as `vault write -wrap-ttl` shows them. */
export function wrapRows(info: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    wrapping_token: info.token,
    wrapping_accessor: info.accessor,
    wrapping_token_ttl: formatDuration(info.ttl ?? 0),
    wrapping_token_creation_time: info.creation_time,
    wrapping_token_creation_path: info.creation_path,
    ...(info.wrapped_accessor ? { wrapped_accessor: info.wrapped_accessor } : {}),
  };
}
