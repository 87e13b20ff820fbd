/**
 * @module One-shot redaction of a string (a log line, an error message) with the same rules as
 * the streaming masker of `hush run`.
 */
import { createMasker } from './stream-masker.js';
import type { MaskSet } from './stream-masker.js';

/** `text` with every secret (and its encoded forms) replaced by `*****`. */
export function redactText(text: string, secrets: Iterable<string> | MaskSet): string {
  const masker = createMasker(secrets);
  const head = masker.push(Buffer.from(text, 'utf8'));
  const tail = masker.flush();
  return tail.length === 0 ? head.toString('utf8') : Buffer.concat([head, tail]).toString('utf8');
}
