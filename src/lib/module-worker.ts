/**
 * @module Starts a worker thread on an ES module that sits beside the caller: its `.js` file
 * in the build, its `.ts` file when running from sources (tests, tsx), where the worker first
 * registers tsx, since loader hooks are per thread.
 */
import { Worker } from 'node:worker_threads';

/**
 * A worker running the module `name` (no extension) next to the module at `callerUrl`
 * (`import.meta.url`), with the same extension as the caller: `.ts` from sources, `.js` from the
 * build, `.mjs` from a bundle.
 */
export function startModuleWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  const url = new URL(`./${name}${/\.[cm]?[jt]s$/.exec(callerUrl)?.[0] ?? '.js'}`, callerUrl);
  if (!callerUrl.endsWith('.ts')) return new Worker(url, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}
