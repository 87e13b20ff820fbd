/**
 * @module How `hush server` is started: the Node options and the environment it runs with,
 * wherever Hush starts the server (`npm start`, the installed `hush` launcher, the benchmarks),
 * and what a service unit or container should give it (`MALLOC_ARENA_MAX=2 node
 * --max-semi-space-size=8 --heap-growing-percent=50 --v8-pool-size=<cores − 1, 1 to 4> …`).
 * Both are read only as the process starts.
 *
 * `--max-semi-space-size=8`: the young generation may grow to 2×8 MiB instead of Node's 2×16 MiB.
 * Under load a request's garbage dies young either way, so collections stay cheap, and the
 * server's resident memory under load is lower (bench/run.ts prints it).
 *
 * `--heap-growing-percent=50`: the old generation is collected once it has grown by half over
 * what survived the last full collection, instead of V8's up to fourfold for small heaps. Under
 * audited KV reads the server keeps about 15 MiB alive but let the old generation reach 44 MiB
 * of mostly garbage; with the flag, peak RSS under that load went from 126–131 MiB to 95–98 MiB,
 * and CPU per read did not change measurably (a full collection of a small heap takes a few ms).
 *
 * `--v8-pool-size=N`: V8's helper threads (parallel and concurrent garbage collection, background
 * compiling), one fewer than the cores and at most Node's default of 4. The event loop is the
 * fifth thread that takes part in a parallel scavenge, and it waits for the slowest helper: on 2
 * cores, four helpers and the event loop (besides the SQLite writer thread, and a load generator
 * in the benchmark) were more threads than cores. With one helper, in runs taking turns with the
 * default on the same machine (`bench`-style load, 12 slices of 1.5 s each), AppRole logins went
 * from 5299 to 6032/s, from 5528 to 6637/s, durable writes from 3456 to 3817/s, and reads
 * moved within the noise (14114 to 13470, 14366 to 16133, 15664 to 15596/s). The server's heap is small (tens of MiB), so one helper keeps
 * up. The count is read as the server starts (`availableParallelism`, `nproc` in `bin/hush`).
 *
 * `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (V8's collector threads, libuv's
 * pool) an arena of its own, up to 8 per core, and an arena's freed pages are rarely given back.
 * Two arenas bound that. Its effect is smaller and noisier than the flag's: under the write
 * benchmark, peak RSS was 114–141 MiB with it (four runs) and 120–144 MiB without (two), with no
 * measurable CPU cost. Other C libraries ignore the variable.
 */
import { availableParallelism } from 'node:os';

/** The server's Node options on a machine with `cores` usable cores (see above). */
export function serverNodeOptions(cores: number): string[] {
  const helpers = Math.min(4, Math.max(1, Math.floor(cores) - 1));
  return ['--max-semi-space-size=8', '--heap-growing-percent=50', `--v8-pool-size=${helpers}`];
}

/** {@link serverNodeOptions} for this machine. */
export const SERVER_NODE_OPTIONS: readonly string[] = serverNodeOptions(availableParallelism());

/** Variables the server is started with, unless the environment already sets them. */
export const SERVER_ENV_DEFAULTS: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** `env` with {@link SERVER_ENV_DEFAULTS} filled in where it does not set them. */
export function serverEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const [name, value] of Object.entries(SERVER_ENV_DEFAULTS)) if (out[name] === undefined) out[name] = value;
  return out;
}
