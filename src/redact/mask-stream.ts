/**
 * @module Masking a byte stream on its way to a writable: how `hush run` copies a child's stdout
 * and stderr to its own. The masking itself is `stream-masker.ts`.
 */
import type { Readable, Writable } from 'node:stream';
import { createMasker } from './stream-masker.js';
import type { Masker, MaskSet } from './stream-masker.js';

/**
 * Copies `from` to `to()` through a masker, with back-pressure, like `from.pipe(masker).pipe(to,
 * { end: false })`, and resolves once `from` has ended and everything, what the masker held
 * included, has been written to `to` (or once `from` was destroyed). Plain listeners rather than
 * a Transform and pipe(), and `to` (for `hush run`, its own stdout or stderr) and the masker made
 * at the first byte: a command that prints nothing costs `hush run` no stream set-up (measured in
 * bench/run-overhead.ts).
 */
export function maskStream(from: Readable, to: () => Writable, mask: MaskSet): Promise<void> {
  return new Promise((resolvePromise) => {
    let masker: Masker | undefined;
    let out: Writable | undefined;
    const target = (): Writable => {
      if (out) return out;
      out = to();
      // our own output closed (`hush run … | head`): stop reading, the child then gets EPIPE
      out.on('error', () => from.destroy());
      return out;
    };
    const write = (part: Buffer): void => {
      if (part.length === 0) return;
      const o = target();
      if (!o.write(part) && !from.isPaused()) {
        from.pause();
        o.once('drain', () => from.resume());
      }
    };
    from.on('data', (chunk: Buffer) => {
      masker ??= createMasker(mask);
      for (const part of masker.pushParts(chunk)) write(part);
    });
    let ended = false;
    from.on('end', () => {
      ended = true;
      if (masker) write(masker.flush());
      // what `to` still buffers is written before we resolve (hush exits next): an empty
      // write's callback comes after every write before it
      if (out !== undefined && out.writableLength > 0) out.write('', () => resolvePromise());
      else resolvePromise();
    });
    // destroyed (an error, or our output closed): what is held is dropped, as pipe() would
    from.on('close', () => {
      if (!ended) resolvePromise();
    });
    from.on('error', () => undefined);
  });
}
