import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { GCM_OVERHEAD, aesKey, openAesGcm, sealAesGcm } from './aes-gcm.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('AES-256-GCM', () => {
  const key = randomBytes(32);

  it('round-trips with AAD, including an empty plaintext', () => {
    const box = sealAesGcm(key, text('hello'), text('aad'));
    expect(box.length).toBe(5 + GCM_OVERHEAD);
    expect(new TextDecoder().decode(openAesGcm(key, box, text('aad')))).toBe('hello');
    expect(openAesGcm(key, sealAesGcm(key, new Uint8Array(0), text('')), text('')).length).toBe(0);
  });

  it('uses a fresh nonce every time, also across refills of the nonce pool', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) nonces.add(Buffer.from(sealAesGcm(key, text('same'), text('')).subarray(0, 12)).toString('hex'));
    expect(nonces.size).toBe(2000);
  });

  it('a key imported once (KeyObject) and the same bytes open each other\'s boxes', () => {
    const imported = aesKey(key);
    expect(new TextDecoder().decode(openAesGcm(key, sealAesGcm(imported, text('one'), text('a')), text('a')))).toBe('one');
    expect(new TextDecoder().decode(openAesGcm(imported, sealAesGcm(key, text('two'), text('a')), text('a')))).toBe('two');
    expect(() => aesKey(randomBytes(16))).toThrow(/32-byte key/);
  });

  it('refuses another AAD, another key, altered or truncated boxes', () => {
    const box = sealAesGcm(key, text('hello'), text('aad'));
    const internal = (fn: () => unknown): boolean => {
      try {
        fn();
      } catch (err) {
        return isHushError(err, 'internal') && !(err as Error).message.includes('hello');
      }
      return false;
    };
    expect(internal(() => openAesGcm(key, box, text('other')))).toBe(true);
    expect(internal(() => openAesGcm(randomBytes(32), box, text('aad')))).toBe(true);
    for (const at of [0, 12, box.length - 1]) {
      const altered = Uint8Array.from(box);
      altered[at] = (altered[at] ?? 0) ^ 1;
      expect(internal(() => openAesGcm(key, altered, text('aad')))).toBe(true);
    }
    expect(internal(() => openAesGcm(key, box.subarray(0, 20), text('aad')))).toBe(true);
    expect(() => sealAesGcm(randomBytes(16), text('x'), text(''))).toThrow(/32-byte/);
  });
});
