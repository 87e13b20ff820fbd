/**
 * `hush run -- true` against bare `true`: the start-up cost a pipeline step pays for fetching
 * and injecting secrets (built CLI, a dev server in another process, one KV v2 path of five
 * keys). Median of repeated runs; prints figures, never pass/fail.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startBenchServer } from './server-process.js';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const hush = join(resolve(import.meta.dirname, '..'), 'dist/cli/main.js');

function medianMs(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  try {
    const data = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`KEY_${i}`, `value-${i}-${'x'.repeat(24)}`]));
    await fetch(`${server.address}/v1/secret/data/bench/run`, {
      method: 'PUT',
      headers: { 'x-vault-token': server.token, 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    const env = { ...process.env, HUSH_ADDR: server.address, HUSH_TOKEN: server.token };
    const bare = medianMs('true', [], env);
    const node = medianMs(process.execPath, ['-e', '0'], env);
    const wrapped = medianMs(process.execPath, [hush, 'run', '--path', 'secret/bench/run', '--', 'true'], env);
    console.log(`\nhush run overhead (median of ${runs} runs)`);
    console.log(`  bare true                        ${bare.toFixed(1).padStart(8)} ms`);
    console.log(`  node -e 0 (runtime start-up)     ${node.toFixed(1).padStart(8)} ms`);
    console.log(`  hush run --path … -- true        ${wrapped.toFixed(1).padStart(8)} ms`);
    console.log(`  overhead over bare true          ${(wrapped - bare).toFixed(1).padStart(8)} ms   (goal <= 80 ms)`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
