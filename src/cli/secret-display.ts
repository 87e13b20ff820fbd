/**
 * @module How the vault CLI shows an API response as rows: an `auth` block as `token`,
 * `token_accessor`, `token_duration`…; a lease as `lease_id`/`lease_duration`; then the data.
 * Bodies without Vault's envelope (sys/seal-status and friends) are shown as they are.
 */
import { formatDuration } from './output.js';

export interface AuthBlock {
  readonly client_token?: string;
  readonly accessor?: string;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
  readonly policies?: readonly string[];
  readonly token_policies?: readonly string[];
  readonly identity_policies?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>> | null;
}

export interface ApiBody {
  readonly request_id?: string;
  readonly lease_id?: string;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
  readonly data?: Record<string, unknown> | null;
  readonly auth?: AuthBlock | null;
  readonly warnings?: readonly string[] | null;
  readonly [key: string]: unknown;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The response's `data`, or the whole body for routes that answer without the envelope. */
export function dataOf(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return {};
  if (isRecord(body.data)) return body.data;
  if ('request_id' in body || 'lease_id' in body) return {};
  return body;
}

/** `token`, `token_accessor`, `token_duration`, … as `vault token create` prints them. */
export function authRows(auth: AuthBlock): Record<string, unknown> {
  const rows: Record<string, unknown> = {
    token: auth.client_token,
    token_accessor: auth.accessor,
    token_duration: formatDuration(auth.lease_duration ?? 0, '∞'),
    token_renewable: auth.renewable ?? false,
    token_policies: auth.token_policies ?? auth.policies ?? [],
    identity_policies: auth.identity_policies ?? [],
    policies: auth.policies ?? [],
  };
  for (const [k, v] of Object.entries(auth.metadata ?? {})) rows[`token_meta_${k}`] = v;
  return rows;
}

/** Rows for `hush read` / `hush write`: the auth block or lease, then the data keys. */
export function secretRows(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return {};
  const b = body as ApiBody;
  if (isRecord(b.auth)) return authRows(b.auth);
  const rows: Record<string, unknown> = {};
  if (b.lease_id) {
    rows.lease_id = b.lease_id;
    rows.lease_duration = formatDuration(b.lease_duration ?? 0);
    rows.lease_renewable = b.renewable ?? false;
  } else if (typeof b.lease_duration === 'number' && b.lease_duration > 0) {
    rows.refresh_interval = formatDuration(b.lease_duration);
  }
  return { ...rows, ...sortedRows(dataOf(body)) };
}

/** Sorted copy of an object's entries (vault sorts table keys). */
export function sortedRows(obj: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Prints response warnings to stderr, as vault does, for table output. */
export function printWarnings(body: unknown, format: string | undefined): void {
  if (format === 'json' || format === 'yaml' || !isRecord(body)) return;
  const warnings = body.warnings;
  if (Array.isArray(warnings) && warnings.length > 0) {
    process.stderr.write(`WARNING! The following warnings were returned from Hush:\n\n${warnings.map((w) => `  * ${String(w)}`).join('\n')}\n\n`);
  }
}
