/**
 * @module Precision and recall of a scan function on the labelled corpus in test/fixtures/scan/.
 * A finding is a true positive when a label has the same file, line and rule id; any other finding
 * is a false positive (strict: a second rule reporting a labelled line counts against precision);
 * an unmatched label is a false negative.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CORPUS_DIR } from './generate-fixtures.js';
import type { Label } from './generate-fixtures.js';

export interface CorpusFinding {
  readonly ruleId: string;
  readonly line: number;
}

/** Scans one file: its text and its path relative to the corpus root (`positive/…`). */
export type CorpusScanFn = (text: string, path: string) => readonly CorpusFinding[] | Promise<readonly CorpusFinding[]>;

export interface RuleScore {
  tp: number;
  fp: number;
  fn: number;
}

export interface CorpusMeasure {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  perRule: Record<string, RuleScore>;
  falsePositives: Array<{ file: string; line: number; ruleId: string }>;
  falseNegatives: Label[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

export function loadLabels(dir: string = CORPUS_DIR): Label[] {
  return (JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as { labels: Label[] }).labels;
}

export function corpusFiles(dir: string = CORPUS_DIR): { positive: string[]; negative: string[] } {
  const rel = (f: string) => relative(dir, f).split('\\').join('/');
  return { positive: walk(join(dir, 'positive')).map(rel), negative: walk(join(dir, 'negative')).map(rel) };
}

export async function measureCorpus(scanFn: CorpusScanFn, dir: string = CORPUS_DIR): Promise<CorpusMeasure> {
  const labels = loadLabels(dir);
  const pending = new Map<string, Label>();
  for (const l of labels) pending.set(`${l.file}\u0000${l.line}\u0000${l.ruleId}`, l);
  const perRule: Record<string, RuleScore> = {};
  const score = (id: string) => (perRule[id] ??= { tp: 0, fp: 0, fn: 0 });
  const falsePositives: CorpusMeasure['falsePositives'] = [];
  let tp = 0;
  let fp = 0;
  const { positive, negative } = corpusFiles(dir);
  for (const file of [...positive, ...negative]) {
    const text = readFileSync(join(dir, file), 'utf8');
    const findings = await scanFn(text, file);
    const counted = new Set<string>();
    for (const f of findings) {
      const key = `${file}\u0000${f.line}\u0000${f.ruleId}`;
      if (counted.has(key)) continue;
      counted.add(key);
      if (pending.delete(key)) {
        tp++;
        score(f.ruleId).tp++;
      } else {
        fp++;
        score(f.ruleId).fp++;
        falsePositives.push({ file, line: f.line, ruleId: f.ruleId });
      }
    }
  }
  const falseNegatives = [...pending.values()];
  for (const l of falseNegatives) score(l.ruleId).fn++;
  const fn = falseNegatives.length;
  return {
    tp,
    fp,
    fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    perRule,
    falsePositives,
    falseNegatives,
  };
}
