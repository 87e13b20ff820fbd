import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ForwardingKey } from './forwarding.js';

describe('forwarded client addresses', () => {
  const key = new ForwardingKey(randomBytes(32));
  const now = Date.parse('2026-12-07T08:00:00Z');

  it('vouches for the client of one request, IPv4 or IPv6, for about a minute', () => {
    const header = key.sign('10.1.2.3', 'read', 'secret/data/app', now);
    expect(key.verify(header, 'read', 'secret/data/app', now)).toBe('10.1.2.3');
    expect(key.verify(header, 'read', 'secret/data/app', now + 59_000)).toBe('10.1.2.3');
    expect(key.verify(header, 'read', 'secret/data/app', now - 30_000)).toBe('10.1.2.3'); // a clock a little ahead
    const v6 = key.sign('fd00::1:2', 'update', 'auth/approle/login', now);
    expect(key.verify(v6, 'update', 'auth/approle/login', now)).toBe('fd00::1:2');
  });

  it('refuses a header for another request, an old one, another key and anything malformed', () => {
    const header = key.sign('10.1.2.3', 'read', 'secret/data/app', now);
    expect(key.verify(header, 'update', 'secret/data/app', now)).toBeUndefined();
    expect(key.verify(header, 'read', 'secret/data/other', now)).toBeUndefined();
    expect(key.verify(header, 'read', 'secret/data/app', now + 61_000)).toBeUndefined();
    expect(new ForwardingKey(randomBytes(32)).verify(header, 'read', 'secret/data/app', now)).toBeUndefined();
    const [seconds, , mac] = header.split('.');
    const claimed = Buffer.from('10.9.9.9').toString('base64url');
    expect(key.verify(`${seconds}.${claimed}.${mac}`, 'read', 'secret/data/app', now)).toBeUndefined();
    for (const bad of ['', 'x', `${header}.extra`, `${seconds}.${claimed}.${'0'.repeat(64)}`, `${seconds}..${mac}`, header.toUpperCase()]) {
      expect(key.verify(bad, 'read', 'secret/data/app', now)).toBeUndefined();
    }
  });

  it('binds the whole path, newlines included', () => {
    const header = key.sign('10.1.2.3', 'read', 'a\nb', now);
    expect(key.verify(header, 'read', 'a\nb', now)).toBe('10.1.2.3');
    expect(key.verify(header, 'read', 'a', now)).toBeUndefined();
  });
});
