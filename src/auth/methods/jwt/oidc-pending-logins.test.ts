import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../token-format.js';
import { PENDING_LOGIN_TTL_MS, PendingOidcLogins } from './oidc-pending-logins.js';

describe('PendingOidcLogins', () => {
  it('gives each login fresh random values and a PKCE S256 challenge of its verifier', () => {
    const logins = new PendingOidcLogins(() => 0);
    const a = logins.start('dev', 'http://localhost:8250/oidc/callback', '', '10.0.0.1');
    const b = logins.start('dev', 'http://localhost:8250/oidc/callback', '', '10.0.0.1');
    expect(a!.state).not.toBe(b!.state);
    expect(a!.nonce).not.toBe(b!.nonce);
    const taken = logins.take(a!.state)!;
    expect(createHash('sha256').update(taken.codeVerifier).digest('base64url')).toBe(a!.codeChallenge);
    expect(taken).toMatchObject({ role: 'dev', nonce: a!.nonce, clientNonce: '' });
  });

  it('hands a state out once, and not after ten minutes', () => {
    let now = 1_000;
    const logins = new PendingOidcLogins(() => now);
    const first = logins.start('dev', 'http://x/cb', 'n', '10.0.0.1')!;
    expect(logins.take(first.state)?.clientNonce).toBe('n');
    expect(logins.take(first.state)).toBeUndefined();
    const late = logins.start('dev', 'http://x/cb', '', '10.0.0.1')!;
    now += PENDING_LOGIN_TTL_MS;
    expect(logins.take(late.state)).toBeUndefined();
    expect(logins.size).toBe(0);
  });

  it('refuses new logins past its bound until older ones expire, never dropping those under way', () => {
    let now = 0;
    const logins = new PendingOidcLogins(() => now, 2);
    const kept = logins.start('dev', 'http://x/cb', '', '10.0.0.1')!;
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.1')).toBeDefined();
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.1')).toBeUndefined();
    expect(logins.take(kept.state)).toBeDefined();
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.1')).toBeDefined();
    now += PENDING_LOGIN_TTL_MS;
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.1')).toBeDefined();
    expect(logins.size).toBe(1);
  });

  it('lets one address hold only its share, and gives it back as its logins end', () => {
    let now = 0;
    const logins = new PendingOidcLogins(() => now, 100, 2);
    const first = logins.start('dev', 'http://x/cb', '', '10.0.0.9')!;
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.9')).toBeDefined();
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.9')).toBeUndefined();
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.7')).toBeDefined();
    logins.take(first.state);
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.9')).toBeDefined();
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.9')).toBeUndefined();
    now += PENDING_LOGIN_TTL_MS;
    expect(logins.start('dev', 'http://x/cb', '', '10.0.0.9')).toBeDefined();
  });

  it('compares nonces exactly (with the token store\'s constant-time comparison)', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});
