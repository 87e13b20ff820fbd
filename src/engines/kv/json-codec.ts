/**
 * @module JSON documents as storage values (UTF-8 bytes). A value that does not decode is a
 * storage fault, reported without its content.
 */
import { HushError } from '../../lib/errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson<T>(bytes: Uint8Array): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (cause) {
    throw new HushError('internal', 'stored entry is corrupt', { cause: new Error('JSON decode failed', { cause }) });
  }
}
