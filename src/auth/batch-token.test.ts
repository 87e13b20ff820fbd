import { describe, expect, it } from 'vitest';
import { decodeBatchToken, encodeBatchToken, generateBatchTokenKey } from './batch-token.js';
import type { BatchTokenClaims } from './batch-token.js';

const key = generateBatchTokenKey();

const claims: BatchTokenClaims = {
  policies: ['app-read', 'default'],
  creationTime: 1_767_268_800,
  ttl: 600,
  metadata: { role_name: 'ci', pipeline: 'shop-main' },
  displayName: 'approle-ci',
  path: 'auth/approle/login',
  entityId: '',
  boundCidrs: ['10.0.0.0/8'],
};

/** Flips one bit of the decoded blob and re-encodes it. */
function flipBit(token: string, byteIndex: number): string {
  const bytes = Buffer.from(token.slice(4), 'base64url');
  bytes[byteIndex % bytes.length]! ^= 1;
  return `hvb.${bytes.toString('base64url')}`;
}

describe('batch token codec', () => {
  it('round-trips every field, orphan and child', () => {
    const token = encodeBatchToken(key, claims);
    expect(token).toMatch(/^hvb\.[A-Za-z0-9_-]+$/);
    expect(decodeBatchToken(key, token)).toEqual(claims);
    const parentHashedId = 'ab'.repeat(32);
    const child = { ...claims, parentHashedId, metadata: {}, boundCidrs: [], entityId: 'entity-1' };
    expect(decodeBatchToken(key, encodeBatchToken(key, child))).toEqual(child);
    // a parent whose hashed ID leads with its creation stamp (token-format.ts)
    const stamped = { ...child, parentHashedId: `0Zz9aB1${'cd'.repeat(32)}` };
    expect(decodeBatchToken(key, encodeBatchToken(key, stamped))).toEqual(stamped);
    expect(() => encodeBatchToken(key, { ...child, parentHashedId: 'not/a hash' })).toThrow('hashed token ID');
  });

  it('is short and reveals nothing of its entry', () => {
    const token = encodeBatchToken(key, claims);
    expect(token.length).toBeLessThan(300);
    for (const visible of ['app-read', 'shop-main', 'approle', '10.0.0.0']) {
      expect(token).not.toContain(visible);
      expect(Buffer.from(token.slice(4), 'base64url').toString('latin1')).not.toContain(visible);
    }
  });

  it('gives a different token each time (random salt and nonce)', () => {
    expect(encodeBatchToken(key, claims)).not.toBe(encodeBatchToken(key, claims));
  });

  it('refuses every altered byte, another key, and garbage, without throwing', () => {
    const token = encodeBatchToken(key, claims);
    const length = Buffer.from(token.slice(4), 'base64url').length;
    for (let i = 0; i < length; i++) expect(decodeBatchToken(key, flipBit(token, i))).toBeUndefined();
    expect(decodeBatchToken(generateBatchTokenKey(), token)).toBeUndefined();
    expect(decodeBatchToken(key, token.slice(0, -2))).toBeUndefined();
    expect(decodeBatchToken(key, `${token}A`)).toBeUndefined();
    for (const junk of ['', 'hvb.', 'hvb.%%%', 'hvb.AAAA', 'hvs.abc', `hvb.${'A'.repeat(20_000)}`, token.replace('hvb.', 'hvs.')]) {
      expect(decodeBatchToken(key, junk)).toBeUndefined();
    }
  });

  it('refuses an authentic blob whose content is not a batch entry', () => {
    // A token made under the right key but with a shape this version does not know (e.g. a
    // TTL of 0) must not be trusted; encode one by hand through the same codec path.
    const forged = encodeBatchToken(key, { ...claims, ttl: 0 });
    expect(decodeBatchToken(key, forged)).toBeUndefined();
  });
});
