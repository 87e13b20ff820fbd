/**
 * @module The server configuration: one schema for the configuration file (HCL as Vault writes
 * it, or JSON) and the environment, parsed once at start-up, validated with safe defaults and
 * frozen. Unknown keys are rejected so that a typo never silently weakens a setting.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HushError } from '../lib/errors.js';
import { parseHcl } from '../policy/hcl-parser.js';
import { hclToPlain } from './hcl-to-plain.js';
import { parseListenAddress } from './listen-address.js';
import { parseBoundCidrs } from '../auth/bound-cidrs.js';
import type { ForwardedForSettings } from '../http/forwarded-for.js';

export { parseListenAddress };

/** A boolean written as one or, as Vault's examples often do, as a string (the spellings Go's
 * `strconv.ParseBool`, which Vault uses, accepts). Every flag of the file is read with it. */
const TRUE_TEXT = ['1', 't', 'T', 'TRUE', 'true', 'True'] as const;
const FALSE_TEXT = ['0', 'f', 'F', 'FALSE', 'false', 'False'] as const;
const flagSchema = z.union([z.boolean(), z.enum([...TRUE_TEXT, ...FALSE_TEXT]).transform((s) => (TRUE_TEXT as readonly string[]).includes(s))]);

const listenerSchema = z
  .object({
    address: z.string().default('127.0.0.1:8200'),
    tls_disable: flagSchema.default(false),
    tls_cert_file: z.string().optional(),
    tls_key_file: z.string().optional(),
    tls_min_version: z.enum(['tls12', 'tls13']).default('tls12'),
    max_request_size: z.number().int().positive().optional(),
    x_forwarded_for_authorized_addrs: z.union([z.string(), z.array(z.string())]).optional(),
    x_forwarded_for_hop_skips: z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/).transform(Number)]).default(0),
    x_forwarded_for_reject_not_authorized: flagSchema.default(false),
    x_forwarded_for_reject_not_present: flagSchema.default(false),
  })
  .strict();

/** A count written as a number or, as Vault's examples do, a string (`max_parallel = "8"`). */
const countSchema = z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]*$/).transform(Number)]);

const storageSchema = z.union([
  z.object({ sqlite: z.object({ path: z.string() }).strict() }).strict(),
  z.object({ memory: z.object({}).strict() }).strict(),
  // Vault's stanza: `storage "postgresql" { connection_url = "…" table = "…" max_parallel = "…" }`
  z
    .object({
      postgresql: z
        .object({
          connection_url: z.string().optional(),
          table: z.string().optional(),
          max_parallel: countSchema.optional(),
          ha_enabled: flagSchema.optional(),
        })
        .strict(),
    })
    .strict(),
]);

const configSchema = z
  .object({
    storage: storageSchema,
    listener: z.object({ tcp: listenerSchema }).strict(),
    max_request_size: z.number().int().positive().default(32 * 1024 * 1024),
    api_addr: z.string().optional(),
    cluster_name: z.string().default('hush'),
    ui: z.boolean().default(true),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    disable_mlock: z.boolean().optional(),
  })
  .strict();

export type ServerConfigFile = z.infer<typeof configSchema>;

/** The configuration the server runs with, whatever it was read from. */
/** The listener's certificate and key, and the oldest TLS version it accepts (default 1.2). */
export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** Where the server keeps its (encrypted) data. */
export type StorageConfig =
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'memory' }
  | {
      readonly type: 'postgres';
      readonly connectionUrl: string;
      readonly table?: string;
      readonly maxConnections?: number;
      /** Several servers on the table, one active (`ha_enabled`). */
      readonly ha?: boolean;
    };

export interface ServerConfig {
  readonly storage: StorageConfig;
  readonly listen: { readonly host: string; readonly port: number };
  readonly tls?: TlsConfig;
  readonly maxRequestBytes: number;
  readonly clusterName: string;
  /** The address other servers send clients to when this one is active (`api_addr`); the
   * listener's address when absent. */
  readonly apiAddress?: string;
  /** Trusted `X-Forwarded-For` (the listener's `x_forwarded_for_*` options), when enabled. */
  readonly forwardedFor?: ForwardedForSettings;
}

/**
 * Reads a configuration file (`.json`, else HCL) into a frozen {@link ServerConfig}. The
 * PostgreSQL connection URL, which holds a password, may come from `HUSH_PG_CONNECTION_URL` or
 * Vault's `VAULT_PG_CONNECTION_URL` in `env` instead of the file.
 */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HushError('bad_request', `cannot read configuration file ${path}`, { cause: err });
  }
  const raw = path.endsWith('.json') ? parseJson(text, path) : hclToPlain(parseHcl(text));
  return fromFile(raw, path, env);
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HushError('bad_request', `configuration file ${path} is not valid JSON`, { cause: err });
  }
}

function fromFile(raw: unknown, path: string, env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new HushError('bad_request', `invalid configuration in ${path}: ${first.path.join('.') || '(top)'}: ${first.message}`);
  }
  const c = parsed.data;
  const l = c.listener.tcp;
  if (!l.tls_disable && (!l.tls_cert_file || !l.tls_key_file)) {
    throw new HushError('bad_request', `invalid configuration in ${path}: listener needs tls_cert_file and tls_key_file, or tls_disable = true`);
  }
  return Object.freeze({
    storage: storageConfig(c.storage, path, env),
    listen: parseListenAddress(l.address),
    tls: l.tls_disable
      ? undefined
      : { certFile: l.tls_cert_file!, keyFile: l.tls_key_file!, minVersion: l.tls_min_version === 'tls13' ? ('TLSv1.3' as const) : ('TLSv1.2' as const) },
    maxRequestBytes: l.max_request_size ?? c.max_request_size,
    clusterName: c.cluster_name,
    ...(c.api_addr === undefined ? {} : { apiAddress: c.api_addr.replace(/\/+$/, '') }),
    ...forwardedForConfig(l, path),
  });
}

/** The listener's `x_forwarded_for_*` options; on only with `x_forwarded_for_authorized_addrs`. */
function forwardedForConfig(l: ServerConfigFile['listener']['tcp'], path: string): { forwardedFor?: ForwardedForSettings } {
  const raw = l.x_forwarded_for_authorized_addrs;
  const blocks = (typeof raw === 'string' ? raw.split(',') : (raw ?? [])).map((b) => b.trim()).filter((b) => b !== '');
  if (blocks.length === 0) {
    if (raw !== undefined) throw new HushError('bad_request', `invalid configuration in ${path}: x_forwarded_for_authorized_addrs lists no address`);
    return {};
  }
  let authorized: string[];
  try {
    authorized = parseBoundCidrs(blocks);
  } catch {
    throw new HushError('bad_request', `invalid configuration in ${path}: x_forwarded_for_authorized_addrs holds an invalid CIDR block`);
  }
  return {
    forwardedFor: {
      authorized,
      hopSkips: l.x_forwarded_for_hop_skips,
      rejectNotAuthorized: l.x_forwarded_for_reject_not_authorized,
      rejectNotPresent: l.x_forwarded_for_reject_not_present,
    },
  };
}

function storageConfig(storage: ServerConfigFile['storage'], path: string, env: NodeJS.ProcessEnv): StorageConfig {
  if ('sqlite' in storage) return { type: 'sqlite', path: storage.sqlite.path };
  if ('memory' in storage) return { type: 'memory' };
  const pg = storage.postgresql;
  const connectionUrl = pg.connection_url ?? env.HUSH_PG_CONNECTION_URL ?? env.VAULT_PG_CONNECTION_URL;
  if (connectionUrl === undefined || connectionUrl === '') {
    throw new HushError('bad_request', `invalid configuration in ${path}: storage "postgresql" needs connection_url (or HUSH_PG_CONNECTION_URL in the environment)`);
  }
  return {
    type: 'postgres',
    connectionUrl,
    ...(pg.table === undefined ? {} : { table: pg.table }),
    ...(pg.max_parallel === undefined ? {} : { maxConnections: pg.max_parallel }),
    ...(pg.ha_enabled === true ? { ha: true } : {}),
  };
}
