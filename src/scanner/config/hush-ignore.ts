/**
 * @module `.hushignore`: one entry per line, `#` comments. A 64-hex-digit line is a finding
 * fingerprint to ignore; any other line is a path glob (gitignore-like, see path-glob.ts).
 */
import { readFile } from 'node:fs/promises';
import type { Finding } from '../engine/finding.js';
import { globToRegex, matchesAny } from './path-glob.js';

export interface HushIgnore {
  readonly paths: readonly RegExp[];
  readonly fingerprints: ReadonlySet<string>;
}

export const EMPTY_IGNORE: HushIgnore = { paths: [], fingerprints: new Set() };

export function parseHushIgnore(text: string): HushIgnore {
  const paths: RegExp[] = [];
  const fingerprints = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^[0-9a-f]{64}$/i.test(line)) fingerprints.add(line.toLowerCase());
    else paths.push(globToRegex(line));
  }
  return { paths, fingerprints };
}

/** Reads `file`; a missing file is an empty ignore list. */
export async function loadHushIgnore(file: string): Promise<HushIgnore> {
  try {
    return parseHushIgnore(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_IGNORE;
    throw err;
  }
}

export function isPathIgnored(ignore: HushIgnore, path: string): boolean {
  return ignore.paths.length > 0 && matchesAny(ignore.paths, path);
}

export function isFindingIgnored(ignore: HushIgnore, f: Finding): boolean {
  if (ignore.fingerprints.has(f.fingerprint)) return true;
  const inner = f.file.startsWith('image:') ? f.file.replace(/^image:[^:]+:[^:]+:/, '') : f.file;
  return isPathIgnored(ignore, inner);
}
