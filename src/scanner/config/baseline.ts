/**
 * @module The baseline file: the fingerprints of accepted findings, keyed by fingerprint (never
 * by line, so it survives edits), sorted and one per line inside a small JSON document so that
 * two branches' baselines merge cleanly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { badRequest } from '../../lib/errors.js';
import type { Finding } from '../engine/finding.js';

export interface BaselineFile {
  readonly version: 1;
  readonly fingerprints: readonly string[];
}

/** Stable text of a baseline for `findings`: unique fingerprints, sorted, one per line. */
export function formatBaseline(findings: readonly Finding[]): string {
  const fps = [...new Set(findings.map((f) => f.fingerprint))].sort();
  const body = fps.map((fp) => `    ${JSON.stringify(fp)}`).join(',\n');
  return `{\n  "version": 1,\n  "fingerprints": [${fps.length === 0 ? '' : `\n${body}\n  `}]\n}\n`;
}

export async function writeBaseline(file: string, findings: readonly Finding[]): Promise<void> {
  await writeFile(file, formatBaseline(findings));
}

export async function readBaseline(file: string): Promise<ReadonlySet<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw badRequest(`cannot read baseline ${file}: ${(err as Error).message}`, err);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badRequest(`baseline ${file} is not valid JSON`, err);
  }
  const fps = (doc as Partial<BaselineFile> | null)?.fingerprints;
  if (!Array.isArray(fps) || !fps.every((x) => typeof x === 'string')) {
    throw badRequest(`baseline ${file} has no "fingerprints" list`);
  }
  return new Set(fps.map((x) => x.toLowerCase()));
}
