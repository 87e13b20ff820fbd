/**
 * @module Files and folders that hold secrets: created owner-only from the first byte, never
 * briefly world-readable (the mode is given to open(2), and re-applied in case the file existed).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

/** Creates `dir` (and parents) readable only by its owner. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes a file that holds a secret with mode 0600. */
export function writeSecretFile(path: string, content: string | Uint8Array): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}
