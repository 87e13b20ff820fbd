/**
 * @module AES-256-GCM with node:crypto: 96-bit random nonces, 128-bit tags, additional
 * authenticated data. A sealed box is `nonce (12) | ciphertext | tag (16)`.
 */
import { KeyObject, createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto';
import { HushError } from '../lib/errors.js';
import { fillRandom } from '../lib/random-pool.js';

export const AES_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
/** Bytes a sealed box adds to its plaintext. */
export const GCM_OVERHEAD = GCM_NONCE_BYTES + GCM_TAG_BYTES;

/** A 32-byte key, as bytes or as a KeyObject made once by {@link aesKey} (a cipher made from a
 * KeyObject skips importing the key bytes: a third of the cost of sealing a small value). */
export type AesKey = Uint8Array | KeyObject;

export function aesKey(bytes: Uint8Array): KeyObject {
  checkKey(bytes);
  return createSecretKey(bytes);
}

/** Encrypts `plaintext` under a 32-byte `key` with a fresh random nonce, binding `aad`. */
export function sealAesGcm(key: AesKey, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  const box = Buffer.allocUnsafe(GCM_NONCE_BYTES + plaintext.length + GCM_TAG_BYTES);
  fillRandom(box, 0, GCM_NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, box.subarray(0, GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final(); // empty for GCM, which has no padding
  body.copy(box, GCM_NONCE_BYTES);
  final.copy(box, GCM_NONCE_BYTES + body.length);
  cipher.getAuthTag().copy(box, GCM_NONCE_BYTES + plaintext.length);
  return box;
}

/**
 * Decrypts a box made by {@link sealAesGcm} with the same `key` and `aad`. Throws
 * `HushError('internal')` with a generic message when the box is malformed, was made with another
 * key or AAD, or was altered.
 */
export function openAesGcm(key: AesKey, box: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  if (box.length < GCM_OVERHEAD) throw new HushError('internal', 'encrypted value is truncated');
  const nonce = box.subarray(0, GCM_NONCE_BYTES);
  const body = box.subarray(GCM_NONCE_BYTES, box.length - GCM_TAG_BYTES);
  const tag = box.subarray(box.length - GCM_TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch (err) {
    throw new HushError('internal', 'encrypted value failed authentication', { cause: err });
  }
}

function checkKey(key: AesKey): void {
  const size = key instanceof KeyObject ? (key.type === 'secret' ? key.symmetricKeySize : undefined) : key instanceof Uint8Array ? key.length : undefined;
  if (size !== AES_KEY_BYTES) {
    throw new HushError('internal', 'AES-256-GCM needs a 32-byte key');
  }
}
