/**
 * The real scan engine (prefilter, decoding, filters) on the labelled corpus: precision and
 * recall must both stay at or above 0.95.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../engine/engine-factory.js';
import { measureCorpus } from './measure.js';

describe('scan engine on the labelled corpus', () => {
  it('keeps precision and recall >= 0.95', async () => {
    const { engine } = await buildEngine({});
    const m = await measureCorpus((text, path) => engine.scanText(text, { path }));
    console.log(`engine on corpus: tp=${m.tp} fp=${m.fp} fn=${m.fn} precision=${m.precision.toFixed(4)} recall=${m.recall.toFixed(4)}`);
    expect(m.precision).toBeGreaterThanOrEqual(0.95);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
  });
});
