/**
 * @module The Node options `hush server` runs with: wherever Hush starts the server (`npm start`,
 * the installed `hush` launcher, the benchmarks), and what a service unit or container should
 * pass (`node --max-semi-space-size=8 …`). V8 reads them only as the process starts.
 *
 * `--max-semi-space-size=8`: the young generation may grow to 2×8 MiB instead of Node's 2×16 MiB.
 * Under load a request's garbage dies young either way, so collections stay cheap, and the
 * server's resident memory under load is about 30 MiB lower (bench/run.ts prints it).
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=8'];
