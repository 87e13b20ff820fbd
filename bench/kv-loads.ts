/**
 * @module The KV v2 loads the server benchmarks share (`run.ts` on SQLite, `postgres.ts`): reads
 * of one stored secret, and durable writes of new values spread over 1000 keys, both under
 * `secret/bench/` with the caller's token.
 */
import type { LoadSpec } from './load.js';

/** What {@link kvReadLoad} reads: store it first (with {@link KV_READ_SECRET}). */
export const KV_READ_PATH = 'secret/data/bench/read';
export const KV_READ_SECRET = { data: { DB_PASSWORD: 'x'.repeat(32), API_KEY: 'y'.repeat(40) } };

export function kvReadLoad(address: string, headers: Record<string, string>, seconds: number): LoadSpec {
  return { name: 'KV v2 read (audited)', url: `${address}/v1/${KV_READ_PATH}`, headers, seconds };
}

export function kvWriteLoad(address: string, headers: Record<string, string>, seconds: number): LoadSpec {
  let n = 0;
  return {
    name: 'KV v2 write (audited, durable)',
    url: `${address}/v1/secret/data/bench/w0`,
    method: 'PUT',
    headers,
    seconds,
    next: () => ({ path: `/v1/secret/data/bench/w${n++ % 1000}`, body: JSON.stringify({ data: { v: `value-${n}` } }) }),
  };
}
