import { describe, expect, it } from 'vitest';
import { startOidcIssuer } from '../../../../test/helpers/oidc-issuer.js';
import { createPemSigningKeys, createRemoteSigningKeys, parsePemKeys } from './signing-keys.js';

describe('remote signing keys', () => {
  it('caches, refetches on an unknown kid at most every minRefreshMs, and keeps keys when the issuer is down', async () => {
    const issuer = await startOidcIssuer();
    let now = 1_000_000;
    const keys = createRemoteSigningKeys({ jwksUrl: issuer.jwksUrl }, undefined, { now: () => now, minRefreshMs: 5_000, maxAgeMs: 60_000 });
    try {
      expect(await keys.keysFor('RS256', issuer.rsa.kid)).toHaveLength(1);
      expect(await keys.keysFor('ES256', issuer.ec.kid)).toHaveLength(1);
      expect(issuer.jwksFetches()).toBe(1);
      await expect(keys.keysFor('RS256', 'nope')).rejects.toThrow(/unknown signing key/);
      expect(issuer.jwksFetches()).toBe(2);
      await expect(keys.keysFor('RS256', 'nope')).rejects.toThrow(/unknown signing key/);
      expect(issuer.jwksFetches()).toBe(2); // rate-limited
      now += 5_000;
      const next = await issuer.rotate();
      expect(await keys.keysFor('RS256', next.kid)).toHaveLength(1);
      expect(issuer.jwksFetches()).toBe(3);
      // an ES256 token can never use the RSA key, whatever its kid
      await expect(keys.keysFor('ES256', next.kid)).rejects.toThrow(/unknown signing key/);
    } finally {
      await issuer.close();
    }
    now += 120_000; // stale, and the issuer is gone: the cached keys still verify
    expect(await keys.keysFor('ES256', undefined)).toHaveLength(1);
  });

  it('reports an unreachable issuer without keys as an internal error (500, not the 503 of a sealed server)', async () => {
    const keys = createRemoteSigningKeys({ discoveryUrl: 'http://127.0.0.1:9' }, undefined, { now: Date.now });
    await expect(keys.keysFor('RS256', 'k')).rejects.toMatchObject({ code: 'internal', messages: [expect.stringContaining('JWKS')] });
  });
});

describe('PEM signing keys', () => {
  it('picks keys by algorithm family and refuses non-keys without echoing them', async () => {
    const issuer = await startOidcIssuer();
    try {
      const keys = createPemSigningKeys([await issuer.publicPem(issuer.rsa), await issuer.publicPem(issuer.ec)]);
      expect(await keys.keysFor('RS256', undefined)).toHaveLength(1);
      expect(await keys.keysFor('ES256', 'ignored')).toHaveLength(1);
      await expect(keys.keysFor('ES384', undefined)).rejects.toThrow(/no configured public key/);
      expect(() => parsePemKeys(['-----BEGIN PUBLIC KEY-----\nc2VjcmV0\n-----END PUBLIC KEY-----'])).toThrow(
        /^jwt_validation_pubkeys\[0\] is not a PEM public key or certificate$/,
      );
    } finally {
      await issuer.close();
    }
  });
});
