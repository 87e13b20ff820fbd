import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hmac-sha256.js';

const reference = (key: Uint8Array, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('hex');

describe('hmacSha256Hex', () => {
  it('gives the RFC 4231 results (short key, short and long key and data)', () => {
    expect(hmacSha256Hex(Buffer.alloc(20, 0x0b))('Hi There')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hmacSha256Hex(Buffer.from('Jefe'))('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const longKey = Buffer.alloc(131, 0xaa);
    expect(hmacSha256Hex(longKey)('Test Using Larger Than Block-Size Key - Hash Key First')).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
    expect(
      hmacSha256Hex(longKey)(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
    ).toBe('9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2');
  });

  it('matches createHmac for keys and messages of every kind, one hasher reused', () => {
    const messages = ['', 'a', 'hvs.0123456789abcdefghijklmnopqrstuvwxyzABCD', 'pässwörd ✓ 🔑', '\ud800 lone surrogate', 'x'.repeat(1024), '€'.repeat(1024), 'y'.repeat(5000)];
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const hmac = hmacSha256Hex(key);
      for (const message of messages) expect(hmac(message), `key ${keyLength}, message ${message.slice(0, 12)}`).toBe(reference(key, message));
      // a short message after a long one: nothing of the earlier one is left in
      expect(hmac('b')).toBe(reference(key, 'b'));
    }
  });

  it('keeps its own copy of the key', () => {
    const key = randomBytes(32);
    const expected = reference(key, 'value');
    const hmac = hmacSha256Hex(key);
    key.fill(0);
    expect(hmac('value')).toBe(expected);
  });
});
