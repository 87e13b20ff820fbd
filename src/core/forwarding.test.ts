import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ForwardingKey } from './forwarding.js';

describe('forwarded client addresses', () => {
  const key = new ForwardingKey(randomBytes(32));
  const now = Date.parse('2026-12-07T08:00:00Z');
  const sign = () => key.sign('10.1.2.3', 'read', 'secret/data/app', now);

  it('vouches for the client of one request, IPv4 or IPv6, for about a minute', () => {
    expect(key.verify(sign(), 'read', 'secret/data/app', now)).toBe('10.1.2.3');
    expect(key.verify(sign(), 'read', 'secret/data/app', now + 59_000)).toBe('10.1.2.3');
    expect(key.verify(sign(), 'read', 'secret/data/app', now - 30_000)).toBe('10.1.2.3'); // a clock a little ahead
    const v6 = key.sign('fd00::1:2', 'update', 'auth/approle/login', now);
    expect(key.verify(v6, 'update', 'auth/approle/login', now)).toBe('fd00::1:2');
  });

  it('vouches once: the same header sent again (copied off the wire) is ignored, even much later', () => {
    const header = sign();
    const twin = sign(); // the same client, operation, path and second: another nonce
    expect(twin).not.toBe(header);
    expect(key.verify(header, 'read', 'secret/data/app', now)).toBe('10.1.2.3');
    expect(key.verify(twin, 'read', 'secret/data/app', now)).toBe('10.1.2.3');
    expect(key.verify(header, 'read', 'secret/data/app', now + 1_000)).toBeUndefined();
    expect(key.verify(header, 'read', 'secret/data/app', now + 59_000)).toBeUndefined();
    // once it is too old to pass anyway, its nonce may be forgotten
    expect(key.verify(header, 'read', 'secret/data/app', now + 61_000)).toBeUndefined();
  });

  it('refuses a header for another request, an old one, another key and anything malformed', () => {
    const header = sign();
    expect(key.verify(header, 'update', 'secret/data/app', now)).toBeUndefined();
    expect(key.verify(header, 'read', 'secret/data/other', now)).toBeUndefined();
    expect(key.verify(header, 'read', 'secret/data/app', now + 61_000)).toBeUndefined();
    expect(new ForwardingKey(randomBytes(32)).verify(header, 'read', 'secret/data/app', now)).toBeUndefined();
    const [seconds, , nonce, mac] = header.split('.');
    const claimed = Buffer.from('10.9.9.9').toString('base64url');
    expect(key.verify(`${seconds}.${claimed}.${nonce}.${mac}`, 'read', 'secret/data/app', now)).toBeUndefined();
    const otherNonce = randomBytes(16).toString('base64url');
    expect(key.verify(`${seconds}.${Buffer.from('10.1.2.3').toString('base64url')}.${otherNonce}.${mac}`, 'read', 'secret/data/app', now)).toBeUndefined();
    for (const bad of ['', 'x', `${header}.extra`, `${seconds}.${claimed}.${nonce}.${'0'.repeat(64)}`, `${seconds}..${nonce}.${mac}`, header.toUpperCase()]) {
      expect(key.verify(bad, 'read', 'secret/data/app', now)).toBeUndefined();
    }
    // and none of these refusals used up the genuine header
    expect(key.verify(header, 'read', 'secret/data/app', now)).toBe('10.1.2.3');
  });

  it('binds the whole path, newlines included', () => {
    const header = key.sign('10.1.2.3', 'read', 'a\nb', now);
    expect(key.verify(header, 'read', 'a', now)).toBeUndefined();
    expect(key.verify(header, 'read', 'a\nb', now)).toBe('10.1.2.3');
  });
});
