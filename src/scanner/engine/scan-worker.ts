/**
 * @module Worker-thread entry: builds the engine from `workerData` (an EngineSpec) and answers
 * `{ id, job }` messages with `{ id, findings }` or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildEngine } from './engine-factory.js';
import type { EngineSpec } from './engine-factory.js';
import { runScanJob } from './scan-job.js';
import type { ScanJob } from './scan-job.js';

const port = parentPort;
if (port !== null) {
  const ready = buildEngine(workerData as EngineSpec);
  port.on('message', (msg: { id: number; job: ScanJob }) => {
    ready
      .then(({ engine }) => runScanJob(engine, msg.job))
      .then(
        (findings) => port.postMessage({ id: msg.id, findings }),
        (err: unknown) => port.postMessage({ id: msg.id, error: (err as Error).message ?? String(err) }),
      );
  });
}
