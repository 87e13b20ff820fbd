/**
 * @module A lock between the test files vitest runs in parallel (separate processes) that may set
 * up the same cached tool at once: a virtualenv, the Go client.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';

/** Runs `fn` holding `lockDir` (made with mkdir, which only one process can do); a lock older
 * than ten minutes is taken to be left by a killed run. */
export function withDirectoryLock<T>(lockDir: string, fn: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = statSync(lockDir, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > 600_000) rmSync(lockDir, { recursive: true, force: true });
      Atomics.wait(pause, 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
