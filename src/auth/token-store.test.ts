import { beforeEach, describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { createFakeClock } from './testing/fake-clock.js';
import type { FakeClock } from './testing/fake-clock.js';
import { createMapStorage } from './testing/map-storage.js';
import type { MapStorage } from './testing/map-storage.js';
import { creationStamp, hashToken } from './token-format.js';
import { DEFAULT_MAX_TTL_SECONDS, createTokenStore } from './token-store.js';
import type { TokenStoreOptions } from './token-store.js';
import type { TokenEntry, TokenStore } from './token-types.js';

let storage: MapStorage;
let clock: FakeClock;
let store: TokenStore;

function makeStore(extra: Partial<TokenStoreOptions> = {}): TokenStore {
  return createTokenStore({ storage, now: clock.now, ...extra });
}

beforeEach(() => {
  storage = createMapStorage();
  clock = createFakeClock();
  store = makeStore();
});

async function rootToken() {
  return store.create({ policies: ['root'], id: 'root', displayName: 'root', path: 'auth/token/root' });
}

async function expectBadRequest(promise: Promise<unknown>, message: string) {
  let err: unknown;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  expect(isHushError(err, 'bad_request'), String(err)).toBe(true);
  expect((err as Error).message).toContain(message);
}

describe('create', () => {
  it('creates a root token that never expires and is not renewable', async () => {
    const { token, entry } = await rootToken();
    expect(token).toBe('root');
    expect(entry).toMatchObject({
      policies: ['root'],
      ttl: 0,
      creationTtl: 0,
      renewable: false,
      orphan: true,
      displayName: 'root',
      path: 'auth/token/root',
      type: 'service',
      numUses: 0,
    });
    expect(entry.parentHashedId).toBeUndefined();
    clock.advance(10 * DEFAULT_MAX_TTL_SECONDS);
    expect(await store.lookup('root')).toEqual(entry);
    expect(store.expireTime(entry)).toBeUndefined();
    expect(store.remainingTtl(entry)).toBe(0);
  });

  it('sorts and de-duplicates policies and adds default', async () => {
    const { token, entry } = await store.create({ policies: ['b', 'a', ' a ', ''] });
    expect(token).toMatch(/^hvs\./);
    expect(entry.policies).toEqual(['a', 'b', 'default']);
    expect(entry.ttl).toBe(DEFAULT_MAX_TTL_SECONDS);
    expect(entry.renewable).toBe(true);
    expect(entry.displayName).toBe('token');
    expect(entry.path).toBe('auth/token/create');
  });

  it('leaves default out with noDefaultPolicy, also when inherited', async () => {
    const parent = (await store.create({ policies: ['a'] })).entry;
    expect((await store.create({ policies: ['a'], noDefaultPolicy: true })).entry.policies).toEqual(['a']);
    const child = (await store.create({ parent, noDefaultPolicy: true })).entry;
    expect(child.policies).toEqual(['a']);
  });

  it('inherits the parent policies, entity and links to the parent', async () => {
    const parent = (await store.create({ policies: ['x'], entityId: 'ent-1' })).entry;
    const child = (await store.create({ parent })).entry;
    expect(child.policies).toEqual(['default', 'x']);
    expect(child.entityId).toBe('ent-1');
    expect(child.parentHashedId).toBe(parent.hashedId);
    expect(child.orphan).toBe(false);
    const orphan = (await store.create({ parent, orphan: true })).entry;
    expect(orphan.parentHashedId).toBeUndefined();
    expect(orphan.orphan).toBe(true);
  });

  it('uses the given ttl and caps it by the max TTL with a warning', async () => {
    expect((await store.create({ ttl: 60 })).entry.ttl).toBe(60);
    const capped = await makeStore({ maxTtlSeconds: 3600 }).create({ ttl: 7200 });
    expect(capped.entry.ttl).toBe(3600);
    expect(capped.warnings[0]).toContain('exceeded the effective max_ttl');
  });

  it('uses the configured default TTL', async () => {
    const s = makeStore({ defaultTtlSeconds: 120 });
    expect((await s.create({})).entry.ttl).toBe(120);
  });

  it('caps the ttl by explicit max TTL and gives root tokens the explicit max', async () => {
    const created = await store.create({ ttl: 7200, explicitMaxTtl: 3600 });
    expect(created.entry.ttl).toBe(3600);
    expect(created.entry.explicitMaxTtl).toBe(3600);
    expect(created.warnings[0]).toContain('explicit max TTL');
    const root = await store.create({ policies: ['root'], explicitMaxTtl: 300 });
    expect(root.entry.ttl).toBe(300);
    expect(root.entry.renewable).toBe(true);
  });

  it('gives periodic tokens the period as TTL', async () => {
    const { entry } = await store.create({ period: 600, ttl: 60 });
    expect(entry).toMatchObject({ ttl: 600, period: 600, renewable: true });
  });

  it('validates and normalises bound CIDRs', async () => {
    expect((await store.create({ boundCidrs: ['10.0.0.1'] })).entry.boundCidrs).toEqual(['10.0.0.1/32']);
    await expectBadRequest(store.create({ boundCidrs: ['10.0.0.0/99'] }), 'bound_cidrs');
  });

  it('honours renewable: false', async () => {
    expect((await store.create({ renewable: false })).entry.renewable).toBe(false);
  });

  it('rejects negative or fractional numbers', async () => {
    await expectBadRequest(store.create({ numUses: -1 }), 'num_uses');
    await expectBadRequest(store.create({ ttl: 1.5 }), 'ttl');
    await expectBadRequest(store.create({ period: -1 }), 'period');
  });

  it('rejects custom IDs with a dot and duplicates', async () => {
    await expectBadRequest(store.create({ id: 'a.b' }), '"."');
    await store.create({ id: 'custom' });
    await expectBadRequest(store.create({ id: 'custom' }), 'duplicate');
  });

  it('refuses a child of a revoked parent', async () => {
    const parent = (await store.create({})).entry;
    await store.revoke(parent);
    await expectBadRequest(store.create({ parent }), 'parent token is no longer valid');
  });

  it('stores nothing that contains a token', async () => {
    const secrets: string[] = [];
    const root = await rootToken();
    secrets.push(root.token);
    for (let i = 0; i < 5; i++) {
      const { token } = await store.create({ parent: root.entry, metadata: { n: String(i) } });
      secrets.push(token, token.slice(4));
    }
    expect(storage.entries.has(`id/${hashToken('root')}`)).toBe(true);
    for (const [key, value] of storage.entries) {
      const text = Buffer.from(value).toString('utf8');
      for (const secret of secrets.filter((s) => s !== 'root')) {
        expect(key).not.toContain(secret);
        expect(text).not.toContain(secret);
      }
      expect(key.split('/')).not.toContain('root');
    }
  });

  it('uses HMAC hashes when given a key', async () => {
    const key = new Uint8Array([9, 9, 9]);
    const keyed = makeStore({ hashKey: key });
    const { token, entry } = await keyed.create({});
    expect(entry.hashedId).toBe(creationStamp(entry.creationTime) + hashToken(token, key));
    expect(entry.hashedId).not.toContain(hashToken(token));
    expect(await keyed.lookup(token)).toEqual(entry);
  });

  it('still finds tokens made before the creation stamp (36 characters) under their plain hash', async () => {
    const key = new Uint8Array([9, 9, 9]);
    const keyed = makeStore({ hashKey: key });
    const older = `hvs.${'Ab3'.repeat(10)}xy`; // the shape generated tokens had before the stamp
    // stored as the previous version stored it: under `id/` + the plain HMAC of the token
    const { entry } = await keyed.create({ id: 'template', policies: ['p'] });
    const hashedId = hashToken(older, key);
    await storage.put(`id/${hashedId}`, new TextEncoder().encode(JSON.stringify({ ...entry, hashedId })));
    expect(await keyed.lookup(older)).toEqual({ ...entry, hashedId });
  });

  it('keys tokens and accessors by creation time, so that new keys sort after older ones', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await store.create({ policies: ['p'] }));
      clock.advance(1);
    }
    const ids = made.map((m) => m.entry.hashedId);
    expect([...ids].sort()).toEqual(ids);
    const accessorKeys = [...storage.entries.keys()].filter((k) => k.startsWith('accessor/'));
    const stamps = made.map((m) => creationStamp(m.entry.creationTime));
    expect(stamps.every((stamp) => accessorKeys.some((k) => k.startsWith(`accessor/${stamp}`)))).toBe(true);
    for (const { token, entry } of made) {
      expect(await store.lookup(token)).toEqual(entry);
      expect(await store.lookupByAccessor(entry.accessor)).toEqual(entry);
    }
  });
});

describe('lookup and expiry', () => {
  it('shares a stored entry between lookups, frozen, and every change is seen at once', async () => {
    const t = await store.create({ numUses: 3 });
    const first = await store.lookup(t.token);
    expect(await store.lookup(t.token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    await store.use(first as TokenEntry);
    expect((await store.lookup(t.token))?.numUses).toBe(2);
    await store.revoke(first as TokenEntry);
    expect(await store.lookup(t.token)).toBeUndefined();
  });

  it('finds a token until its TTL runs out, then revokes it', async () => {
    const { token, entry } = await store.create({ ttl: 60 });
    clock.advance(30);
    expect(await store.lookup(token)).toEqual(entry);
    expect(store.remainingTtl(entry)).toBe(30);
    expect(store.expireTime(entry)).toBe(entry.creationTime + 60_000);
    clock.advance(31);
    expect(await store.lookup(token)).toBeUndefined();
    expect([...storage.entries.keys()].filter((k) => k.startsWith('id/'))).toEqual([]);
    expect(await store.lookupByAccessor(entry.accessor)).toBeUndefined();
  });

  it('returns undefined for unknown and empty tokens', async () => {
    expect(await store.lookup('hvs.nope')).toBeUndefined();
    expect(await store.lookup('')).toBeUndefined();
    expect(await store.lookupByAccessor('')).toBeUndefined();
    expect(await store.lookupByAccessor('nope')).toBeUndefined();
  });

  it('finds tokens by accessor and hash', async () => {
    const { entry } = await store.create({ policies: ['p'] });
    expect(await store.lookupByAccessor(entry.accessor)).toEqual(entry);
    expect(await store.lookupByHash(entry.hashedId)).toEqual(entry);
  });

  it('treats children of an expired parent as gone', async () => {
    const parent = await store.create({ ttl: 60 });
    const child = await store.create({ parent: parent.entry, ttl: 3600 });
    const grandchild = await store.create({ parent: child.entry, ttl: 3600 });
    const orphan = await store.create({ parent: parent.entry, orphan: true, ttl: 3600 });
    clock.advance(61);
    expect(await store.lookup(grandchild.token)).toBeUndefined();
    expect(await store.lookup(child.token)).toBeUndefined();
    expect(await store.lookup(orphan.token)).toEqual(orphan.entry);
    expect(await store.listAccessors()).toEqual([orphan.entry.accessor]);
  });

  it('treats a child whose parent vanished as gone', async () => {
    const parent = await store.create({});
    const child = await store.create({ parent: parent.entry });
    await storage.delete(`id/${parent.entry.hashedId}`); // left so by a crash mid-revocation
    store = makeStore(); // the restarted server (a running one keeps what it read)
    expect(await store.lookup(child.token)).toBeUndefined();
    expect(await storage.get(`id/${child.entry.hashedId}`)).toBeUndefined();
  });

  it('tidy revokes expired tokens and counts them', async () => {
    await store.create({ ttl: 10 });
    await store.create({ ttl: 10 });
    const keep = await store.create({ ttl: 100 });
    clock.advance(11);
    expect(await store.tidy()).toBe(2);
    expect(await store.listAccessors()).toEqual([keep.entry.accessor]);
  });

  it('tidy removes the children of an expired token and a child whose parent is gone', async () => {
    const root = await rootToken();
    const parent = await store.create({ ttl: 10, parent: root.entry });
    const child = await store.create({ ttl: 100, parent: parent.entry });
    const stranded = await store.create({ ttl: 100, parent: root.entry });
    await storage.delete(`id/${root.entry.hashedId}`); // a crash mid-revocation
    store = makeStore();
    clock.advance(11);
    expect(await store.tidy()).toBe(2); // the expired parent (with its child) and the stranded child
    for (const t of [parent, child, stranded]) expect(await storage.get(`id/${t.entry.hashedId}`)).toBeUndefined();
    expect(await store.storedIds()).toEqual([]);
  });

  it('tidy stops early once its signal is aborted, and peek shows stored entries as they are', async () => {
    const expired = await store.create({ ttl: 10 });
    clock.advance(11);
    expect((await store.peek(expired.entry.hashedId))?.accessor).toBe(expired.entry.accessor);
    expect(await store.lookup(expired.token)).toBeUndefined();
    expect(await store.peek(expired.entry.hashedId)).toBeUndefined();
    const stale = [await store.create({ ttl: 10 }), await store.create({ ttl: 10 })];
    clock.advance(11);
    const stopped = new AbortController();
    stopped.abort();
    expect(await store.tidy(stopped.signal)).toBe(0);
    expect((await store.storedIds()).sort()).toEqual(stale.map((t) => t.entry.hashedId).sort());
    expect(await store.tidy()).toBe(2);
  });
});

describe('use', () => {
  it('counts uses down and revokes after the last one', async () => {
    const { token, entry } = await store.create({ numUses: 2 });
    const first = await store.use(entry);
    expect(first?.numUses).toBe(1);
    expect((await store.lookup(token))?.numUses).toBe(1);
    const second = await store.use(entry);
    expect(second?.numUses).toBe(-1);
    expect(await store.lookup(token)).toBeUndefined();
    expect(await store.use(entry)).toBeUndefined();
  });

  it('revokes the children of a use-limited token with its last use', async () => {
    const parent = await store.create({ numUses: 1 });
    const child = await store.create({ parent: parent.entry });
    await store.use(parent.entry);
    expect(await store.lookup(child.token)).toBeUndefined();
  });

  it('returns unlimited tokens unchanged', async () => {
    const { entry } = await store.create({});
    expect(await store.use(entry)).toBe(entry);
  });

  it('never grants more uses than allowed under concurrency', async () => {
    const { entry } = await store.create({ numUses: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, () => store.use(entry)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(3);
  });

  it('refuses an expired token', async () => {
    const { entry } = await store.create({ numUses: 5, ttl: 10 });
    clock.advance(11);
    expect(await store.use(entry)).toBeUndefined();
  });
});

describe('renew', () => {
  it('renews to the creation TTL or the increment, counted from now', async () => {
    const { token, entry } = await store.create({ ttl: 3600 });
    clock.advance(1800);
    const renewed = await store.renew(entry);
    expect(renewed.entry.ttl).toBe(3600);
    expect(renewed.entry.lastRenewalTime).toBe(clock.now());
    expect(renewed.entry.creationTtl).toBe(3600);
    expect(store.remainingTtl(renewed.entry)).toBe(3600);
    clock.advance(3000);
    expect(await store.lookup(token)).toBeDefined();
    const longer = await store.renew(entry, 7200);
    expect(longer.entry.ttl).toBe(7200);
    expect(longer.warnings).toEqual([]);
    expect((await store.lookup(token))?.ttl).toBe(7200);
  });

  it('caps renewals by the system max TTL', async () => {
    const s = makeStore({ maxTtlSeconds: 5000 });
    const { entry } = await s.create({ ttl: 3000 });
    clock.advance(2000);
    const renewed = await s.renew(entry, 4000);
    expect(renewed.entry.ttl).toBe(3000);
    expect(renewed.warnings[0]).toContain('exceeded the effective max_ttl');
    clock.advance(3000);
    await expectBadRequest(s.renew(entry), 'invalid token');
  });

  it('caps renewals by the explicit max TTL and refuses past it', async () => {
    const { token, entry } = await store.create({ ttl: 3000, explicitMaxTtl: 4000 });
    clock.advance(2000);
    expect((await store.renew(entry)).entry.ttl).toBe(2000);
    clock.advance(1999);
    expect((await store.renew(entry)).entry.ttl).toBe(1);
    clock.advance(1);
    expect(await store.lookup(token)).toBeUndefined();
  });

  it('refuses to renew past a max TTL lowered after creation', async () => {
    const { entry } = await store.create({ ttl: 3000 });
    clock.advance(200);
    await expectBadRequest(makeStore({ maxTtlSeconds: 100 }).renew(entry), 'past the max TTL');
  });

  it('caps by the max TTL left, not the full max TTL', async () => {
    const s = makeStore({ maxTtlSeconds: 100 });
    const { entry } = await s.create({ ttl: 100 });
    clock.advance(50);
    await s.renew(entry, 10);
    clock.advance(5);
    expect((await s.renew(entry, 1000)).entry.ttl).toBe(45);
  });

  it('renews periodic tokens to their period, beyond the max TTL', async () => {
    const s = makeStore({ maxTtlSeconds: 1000 });
    const { token, entry } = await s.create({ period: 600 });
    for (let i = 0; i < 5; i++) {
      clock.advance(500);
      const renewed = await s.renew(entry, 99999);
      expect(renewed.entry.ttl).toBe(600);
    }
    expect(await s.lookup(token)).toBeDefined();
  });

  it('caps periodic renewals by the explicit max TTL', async () => {
    const { entry } = await store.create({ period: 600, explicitMaxTtl: 1000 });
    clock.advance(500);
    const renewed = await store.renew(entry);
    expect(renewed.entry.ttl).toBe(500);
    expect(renewed.warnings).toHaveLength(1);
  });

  it('refuses tokens that are not renewable', async () => {
    const root = await rootToken();
    await expectBadRequest(store.renew(root.entry), 'lease is not renewable');
    const fixed = await store.create({ renewable: false });
    await expectBadRequest(store.renew(fixed.entry), 'lease is not renewable');
  });
});

describe('revoke', () => {
  async function family() {
    const parent = await store.create({ policies: ['p'] });
    const child = await store.create({ parent: parent.entry });
    const grandchild = await store.create({ parent: child.entry });
    const orphan = await store.create({ parent: parent.entry, orphan: true });
    const orphanChild = await store.create({ parent: orphan.entry });
    return { parent, child, grandchild, orphan, orphanChild };
  }

  it('revokes the whole subtree but not orphans', async () => {
    const f = await family();
    await store.revoke(f.parent.entry);
    for (const t of [f.parent, f.child, f.grandchild]) expect(await store.lookup(t.token)).toBeUndefined();
    expect(await store.lookup(f.orphan.token)).toEqual(f.orphan.entry);
    expect(await store.lookup(f.orphanChild.token)).toEqual(f.orphanChild.entry);
    const keys = [...storage.entries.keys()];
    for (const t of [f.parent, f.child, f.grandchild]) {
      expect(keys.some((k) => k.includes(t.entry.hashedId))).toBe(false);
    }
    expect(keys.filter((k) => k.startsWith('parent/'))).toHaveLength(1);
  });

  it('is idempotent', async () => {
    const { entry } = await store.create({});
    await store.revoke(entry);
    await store.revoke(entry);
    expect(await store.listAccessors()).toEqual([]);
  });

  it('revokes a deep chain without recursion', async () => {
    let entry: TokenEntry = (await store.create({})).entry;
    const top = entry;
    for (let i = 0; i < 300; i++) entry = (await store.create({ parent: entry })).entry;
    await store.revoke(top);
    expect(storage.entries.size).toBe(0);
  });

  it('calls onRevoke for every revoked token', async () => {
    const revoked: string[] = [];
    const s = makeStore({ onRevoke: async (e) => void revoked.push(e.accessor) });
    const parent = await s.create({});
    const child = await s.create({ parent: parent.entry });
    await s.revoke(parent.entry);
    expect(revoked.sort()).toEqual([parent.entry.accessor, child.entry.accessor].sort());
  });

  it('resumes an interrupted revocation on the next lookup', async () => {
    const parent = await store.create({});
    const child = await store.create({ parent: parent.entry });
    await storage.put(
      `id/${parent.entry.hashedId}`,
      new TextEncoder().encode(JSON.stringify({ ...parent.entry, revoking: true })),
    ); // a revocation a crash interrupted
    store = makeStore(); // the restarted server
    expect(await store.lookup(child.token)).toBeUndefined();
    expect(storage.entries.size).toBe(0);
  });

  it('revokeOrphan keeps the children as orphans', async () => {
    const f = await family();
    await store.revokeOrphan(f.parent.entry);
    expect(await store.lookup(f.parent.token)).toBeUndefined();
    const child = await store.lookup(f.child.token);
    expect(child?.orphan).toBe(true);
    expect(child?.parentHashedId).toBeUndefined();
    expect(await store.lookup(f.grandchild.token)).toBeDefined();
    expect([...storage.entries.keys()].some((k) => k.startsWith(`parent/${f.parent.entry.hashedId}/`))).toBe(false);
    // The grandchild still belongs to the (now orphan) child.
    await store.revoke(child as TokenEntry);
    expect(await store.lookup(f.grandchild.token)).toBeUndefined();
  });

  it('revokeOrphan of a token under revocation finishes the revocation', async () => {
    const parent = await store.create({});
    const child = await store.create({ parent: parent.entry });
    await storage.put(
      `id/${parent.entry.hashedId}`,
      new TextEncoder().encode(JSON.stringify({ ...parent.entry, revoking: true })),
    ); // a revocation a crash interrupted
    store = makeStore(); // the restarted server
    await store.revokeOrphan(parent.entry);
    expect(await store.lookup(child.token)).toBeUndefined();
    expect(storage.entries.size).toBe(0);
  });

  it('lists accessors sorted', async () => {
    const a = await store.create({});
    const b = await store.create({});
    expect(await store.listAccessors()).toEqual([a.entry.accessor, b.entry.accessor].sort());
  });
});
