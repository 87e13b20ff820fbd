import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { base62, crc32 } from '../rules/codec.js';
import { buildEngine } from './engine-factory.js';
import { runScanJobSync } from './scan-job.js';
import type { ScanJob } from './scan-job.js';
import { WorkerPool } from './worker-pool.js';

const BODY = 'Zq8Rt2Lm5Nx7Vb3Kc9Wd4Hf6Jg1Ys0';
/** A GitHub token shape with a valid checksum (random, not real). */
const TOKEN = `ghp_${BODY}${base62(crc32(BODY), 6)}`;
const dir = mkdtempSync(join(tmpdir(), 'hush-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WorkerPool', () => {
  it('returns, for batched file and byte jobs, what the calling thread finds', async () => {
    const jobs: ScanJob[] = [];
    for (let i = 0; i < 60; i++) {
      const text = i % 7 === 0 ? `line\nconst t${i} = "${TOKEN}";\n` : `nothing to see in file ${i}\n`;
      if (i % 2 === 0) {
        const abs = join(dir, `f${i}.ts`);
        writeFileSync(abs, text);
        jobs.push({ kind: 'file', abs, path: `f${i}.ts` });
      } else jobs.push({ kind: 'bytes', data: Buffer.from(text), path: `b${i}.ts`, commit: 'c0ffee' });
    }
    jobs.push({ kind: 'file', abs: join(dir, 'missing.ts'), path: 'missing.ts' });
    const { engine } = await buildEngine({});
    const expected = jobs.map((j) => runScanJobSync(engine, j));
    // small limits: the producer must wait for room, and batches must still get sent
    const pool = new WorkerPool({ spec: {}, threads: 2, perWorker: 3 });
    try {
      const pending: Promise<unknown>[] = [];
      for (const j of jobs) {
        await pool.capacity();
        pending.push(pool.run(j));
      }
      expect(await Promise.all(pending)).toEqual(expected);
    } finally {
      await pool.close();
    }
    expect(expected.flat().length).toBe(9);
  });
});
