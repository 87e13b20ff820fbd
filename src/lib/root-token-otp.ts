/**
 * @module How `sys/generate-root` hands over a new root token, as Vault does: the token XORed
 * with a one-time password of the same length, base64-encoded without padding. The server
 * encodes (`core/root-generation.ts`); whoever holds the OTP decodes (`hush operator generate-root
 * -decode`, or `vault operator generate-root -decode`).
 */
import { HushError } from './errors.js';

/** `bytes` XORed in place with `otp` (as many bytes: the caller checks). */
function xorWith(bytes: Buffer, otp: string): Buffer {
  const pad = Buffer.from(otp, 'latin1');
  for (let i = 0; i < bytes.length; i++) bytes[i] = (bytes[i] as number) ^ (pad[i] as number);
  return bytes;
}

/** `token` XORed with `otp` (same length, ASCII), base64 without padding: Vault's encoding. */
export function encodeRootToken(token: string, otp: string): string {
  if (token.length !== otp.length) throw new HushError('internal', 'the OTP and the token differ in length');
  return xorWith(Buffer.from(token, 'latin1'), otp).toString('base64').replace(/=+$/, '');
}

/** The token an `encoded_token` stands for, given the attempt's OTP. */
export function decodeRootToken(encoded: string, otp: string): string {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== otp.length) {
    throw new HushError('bad_request', 'the encoded token and the OTP differ in length: is this the OTP of that attempt?');
  }
  return xorWith(bytes, otp).toString('latin1');
}
