import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, generate } from './generate-fixtures.js';
import { scanText } from './matcher.js';
import { corpusFiles, loadLabels, measureCorpus } from './measure.js';

describe('labelled corpus', () => {
  it('reaches precision and recall >= 0.95 with the reference matcher (rules + filters)', async () => {
    const m = await measureCorpus((text, path) => scanText(text, path));
    const { positive, negative } = corpusFiles();
    console.log(
      `corpus: ${positive.length} positive files, ${negative.length} negative files, ${loadLabels().length} labels; ` +
        `tp=${m.tp} fp=${m.fp} fn=${m.fn} precision=${m.precision.toFixed(4)} recall=${m.recall.toFixed(4)}`,
    );
    for (const f of m.falsePositives) console.log(`FP ${f.file}:${f.line} ${f.ruleId}`);
    for (const f of m.falseNegatives) console.log(`FN ${f.file}:${f.line} ${f.ruleId}`);
    expect(m.precision).toBeGreaterThanOrEqual(0.95);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('has at least as many negative files as positive files', () => {
    const { positive, negative } = corpusFiles();
    expect(negative.length).toBeGreaterThanOrEqual(positive.length);
  });

  it('is what the seeded generator writes (regenerate with generate-fixtures.ts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-corpus-'));
    try {
      const result = generate(dir);
      expect(readFileSync(join(dir, 'labels.json'), 'utf8')).toBe(readFileSync(join(CORPUS_DIR, 'labels.json'), 'utf8'));
      const fresh = corpusFiles(dir);
      expect(fresh).toEqual(corpusFiles());
      for (const file of [...fresh.positive, ...fresh.negative]) {
        expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(CORPUS_DIR, file), 'utf8'));
      }
      expect(result.labels.length).toBeGreaterThan(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
