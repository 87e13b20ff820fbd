/**
 * `npm run bench`: server throughput and latency at 32 concurrent connections, with one file
 * audit device enabled, against a no-op route of the same server measured in the same run (the
 * no-op route and KV reads take turns, in rounds). Prints figures and ratios; never passes or
 * fails on timing.
 */
import { join } from 'node:path';
import { startBenchServer } from './server-process.js';
import { combineRounds, runLoad } from './load.js';
import { benchAppRoleLogin } from './approle-bench.js';
import { benchJwtLogin } from './jwt-bench.js';
import { KV_READ_PATH, KV_READ_SECRET, kvReadLoad, kvWriteLoad } from './kv-loads.js';
import type { LoadResult } from './load.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
/** Turns taken by the no-op route and KV reads (each gets `seconds` in all). */
const RATIO_ROUNDS = 4;

async function main(): Promise<void> {
  const server = await startBenchServer();
  const headers = { 'x-vault-token': server.token, 'content-type': 'application/json' };
  try {
    const put = (path: string, body: unknown) =>
      fetch(`${server.address}/v1/${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    const audit = await put('sys/audit/file', { type: 'file', options: { file_path: join(server.dataDir, 'audit.log') } });
    if (audit.status !== 204) throw new Error(`enabling the audit device answered ${audit.status}`);
    await put(KV_READ_PATH, KV_READ_SECRET);

    const results: LoadResult[] = [];
    // The server's peak RSS once each route has run (it only grows), to see which route raises it.
    const peaks: number[] = [];
    const record = (r: LoadResult) => {
      server.sampleRss();
      results.push(r);
      peaks.push(server.peakRssMiB());
    };
    const tick = () => server.sampleRss();
    // The no-op route and KV reads take turns, in rounds, so that the machine's changes of speed
    // (a shared 2-core VM) fall on both sides of their ratio alike.
    const noopRounds: LoadResult[] = [];
    const readRounds: LoadResult[] = [];
    let noopPeak = 0; // the no-op route's peak RSS: before the first read round
    for (let round = 0; round < RATIO_ROUNDS; round++) {
      const part = seconds / RATIO_ROUNDS;
      noopRounds.push(await runLoad({ name: 'no-op route (sys/health)', url: `${server.address}/v1/sys/health`, seconds: part }, tick, server.pid));
      server.sampleRss();
      if (round === 0) noopPeak = server.peakRssMiB();
      readRounds.push(await runLoad(kvReadLoad(server.address, headers, part), tick, server.pid));
    }
    results.push(combineRounds(noopRounds));
    peaks.push(noopPeak);
    record(combineRounds(readRounds));
    record(await runLoad(kvWriteLoad(server.address, headers, seconds), tick, server.pid));

    const kvPeak = server.peakRssMiB(); // the no-op route, KV reads and writes: the server-core goal

    record(await benchAppRoleLogin(server, seconds));
    record(await benchAppRoleLogin(server, seconds, 'batch'));
    record(await benchJwtLogin(server, seconds));
    server.sampleRss();

    const noop = results[0]!.requestsPerSec;
    console.log(`\nHush server benchmark: 32 connections, ${seconds}s per route, file audit device on, SQLite storage\n`);
    console.log('route                              req/s      p50 ms   p99 ms   errors   vs no-op   server CPU/req   peak RSS');
    for (const [i, r] of results.entries()) {
      const cpu = r.serverCpuUsPerRequest === undefined ? '' : `${r.serverCpuUsPerRequest.toFixed(0).padStart(8)} us`;
      console.log(
        `${r.name.padEnd(34)} ${r.requestsPerSec.toFixed(0).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms
          .toFixed(2)
          .padStart(8)} ${String(r.errors).padStart(8)}   ${`${((r.requestsPerSec / noop) * 100).toFixed(1)} %`.padStart(8)}   ${cpu.padEnd(14)} ${(peaks[i] ?? 0).toFixed(1).padStart(7)} MiB`,
      );
    }
    console.log('(server CPU/req: the server process\'s CPU time per answered request, steadier than req/s when');
    console.log(' other processes share the machine; on 2 cores the load generator takes one of them)');
    console.log(`\nserver peak RSS under the KV read and write load: ${kvPeak.toFixed(1)} MiB; after the logins too: ${server.peakRssMiB().toFixed(1)} MiB`);
    console.log('goals: KV read >= 50 % of no-op, writes >= 3000/s durable, RSS < 150 MB under the KV load, AppRole logins >= 5000/s');
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
