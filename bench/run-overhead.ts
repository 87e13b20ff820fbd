/**
 * `hush run -- true` against bare `true`: the start-up cost a pipeline step pays for fetching
 * and injecting secrets (the installed command `bin/hush` as a user runs it: the shell launcher
 * that starts Node on bin/hush.js; a dev server in another process; one KV v2 path of five
 * keys). Median of repeated runs, the cases taking turns so that load from other processes falls
 * on all of them alike; prints figures, never pass/fail.
 *
 * Everything is measured twice: in this machine's environment as it is, and without
 * NODE_EXTRA_CA_CERTS. That variable is a setting of the machine, not of Hush: when it is set,
 * every Node process parses the whole CA bundle it names before running any code, which is
 * most of `node -e 0`'s time. The launcher defers that file to Hush's client (bin/hush explains);
 * `node bin/hush.js` (no launcher, so Node loads the file) and the unbundled build
 * (`dist/cli/main.js`) are shown for comparison.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startBenchServer } from './server-process.js';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const root = resolve(import.meta.dirname, '..');
const launcher = join(root, 'bin/hush');
const hushJs = join(root, 'bin/hush.js');
const unbundled = join(root, 'dist/cli/main.js');
const runArgs = ['run', '--path', 'secret/bench/run', '--', 'true'];

interface Case {
  readonly label: string;
  readonly cmd: string;
  readonly args: readonly string[];
}

const cases: readonly Case[] = [
  { label: 'bare true', cmd: 'true', args: [] },
  { label: 'node -e 0 (runtime start-up)', cmd: process.execPath, args: ['-e', '0'] },
  { label: 'hush run --path … -- true', cmd: launcher, args: runArgs },
  { label: '  same, node bin/hush.js (no launcher)', cmd: process.execPath, args: [hushJs, ...runArgs] },
  { label: '  same, unbundled dist/cli/main.js', cmd: process.execPath, args: [unbundled, ...runArgs] },
];

/** Median wall time of each case in each environment, in ms: every case in every environment
 * runs once per round, in turn, so that the machine's changes of speed fall on all alike. */
function medians(envs: readonly NodeJS.ProcessEnv[]): number[][] {
  const times: number[][][] = envs.map(() => cases.map(() => []));
  for (let i = 0; i < runs; i++) {
    envs.forEach((env, e) =>
      cases.forEach((c, k) => {
        const start = process.hrtime.bigint();
        const r = spawnSync(c.cmd, c.args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`);
        times[e]![k]!.push(Number(process.hrtime.bigint() - start) / 1e6);
      }),
    );
  }
  return times.map((perCase) => perCase.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!));
}

function report(title: string, caseMedians: readonly number[]): void {
  caseMedians.forEach((ms, k) => console.log(`  ${cases[k]!.label.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms`));
  const [bare, , wrapped] = caseMedians;
  console.log(`  ${'overhead over bare true'.padEnd(40)} ${(wrapped! - bare!).toFixed(1).padStart(8)} ms   (goal <= 80 ms)`);
  console.log(`  (${title})`);
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
    const env: NodeJS.ProcessEnv = { ...process.env, HUSH_ADDR: server.address, HUSH_TOKEN: server.token };
    const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...withoutCaCerts } = env;
    const [asIs, without] = medians([env, withoutCaCerts]);
    console.log(`\nhush run overhead (median of ${runs} runs; both environments take turns)`);
    console.log('\n this machine\'s environment as is');
    report(extraCaCerts === undefined ? 'NODE_EXTRA_CA_CERTS is not set here' : `NODE_EXTRA_CA_CERTS=${extraCaCerts}, set by this machine`, asIs!);
    console.log('\n without NODE_EXTRA_CA_CERTS');
    report('the variable removed from the children\'s environment: a machine setting, not Hush\'s', without!);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
