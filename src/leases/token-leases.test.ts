import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../auth/testing/fake-clock.js';
import type { FakeClock } from '../auth/testing/fake-clock.js';
import { createMapStorage } from '../auth/testing/map-storage.js';
import { createTokenStore } from '../auth/token-store.js';
import type { CreatedToken, TokenStore } from '../auth/token-types.js';
import { findTokenLease, leaseView, listTokenLeaseKeys, revokeTokenLeases, tokenLeaseId } from './token-leases.js';

let clock: FakeClock;
let store: TokenStore;
let approle: CreatedToken[];
let approleCi: CreatedToken;
let child: CreatedToken;
let created: CreatedToken;

beforeEach(async () => {
  clock = createFakeClock();
  store = createTokenStore({ storage: createMapStorage(), now: clock.now, hashKey: new Uint8Array(32).fill(3) });
  approle = [
    await store.create({ path: 'auth/approle/login', ttl: 600, orphan: true }),
    await store.create({ path: 'auth/approle/login', ttl: 600, orphan: true }),
  ];
  approleCi = await store.create({ path: 'auth/approle-ci/login', ttl: 600 });
  child = await store.create({ parent: approle[0]!.entry, ttl: 60 });
  created = await store.create({ ttl: 60 });
});

const alive = async (t: CreatedToken) => (await store.lookup(t.token)) !== undefined;

describe('token leases', () => {
  it('are named by creation path and storage ID, and found only by their exact ID', async () => {
    const id = tokenLeaseId(approle[0]!.entry);
    expect(id).toBe(`auth/approle/login/${approle[0]!.entry.hashedId}`);
    expect(id).not.toContain(approle[0]!.token);
    expect((await findTokenLease(store, id))?.accessor).toBe(approle[0]!.entry.accessor);
    expect(await findTokenLease(store, `auth/approle-ci/login/${approle[0]!.entry.hashedId}`)).toBeUndefined();
    expect(await findTokenLease(store, approle[0]!.entry.hashedId)).toBeUndefined();
    expect(await findTokenLease(store, 'secret/data/x/abc')).toBeUndefined();
  });

  it("show the token's times, renewability and TTL", async () => {
    clock.advance(100);
    const view = leaseView(store, approle[1]!.entry);
    expect(view).toEqual({
      id: tokenLeaseId(approle[1]!.entry),
      issue_time: new Date(approle[1]!.entry.creationTime).toISOString(),
      expire_time: new Date(approle[1]!.entry.creationTime + 600_000).toISOString(),
      last_renewal_time: null,
      renewable: true,
      ttl: 500,
    });
  });

  it('list one level at a time, like directories', async () => {
    expect(await listTokenLeaseKeys(store, '')).toEqual(['auth/']);
    expect(await listTokenLeaseKeys(store, 'auth')).toEqual(['approle-ci/', 'approle/', 'token/']);
    expect(await listTokenLeaseKeys(store, 'auth/approle/login/')).toEqual(
      approle.map((t) => t.entry.hashedId).sort(),
    );
    expect(await listTokenLeaseKeys(store, 'auth/userpass/')).toEqual([]);
  });

  it('revoke by prefix: a whole mount with the children of its tokens, never a sibling mount', async () => {
    expect(await revokeTokenLeases(store, 'auth/approle')).toBe(2);
    for (const t of [...approle, child]) expect(await alive(t)).toBe(false);
    expect(await alive(approleCi)).toBe(true);
    expect(await alive(created)).toBe(true);
    expect(await listTokenLeaseKeys(store, 'auth/')).toEqual(['approle-ci/', 'token/']);
  });

  it('revoke by prefix: a prefix that is a lease ID revokes that one lease', async () => {
    expect(await revokeTokenLeases(store, tokenLeaseId(approle[1]!.entry))).toBe(1);
    expect(await alive(approle[1]!)).toBe(false);
    expect(await alive(approle[0]!)).toBe(true);
    expect(await revokeTokenLeases(store, 'auth/nothing/')).toBe(0);
  });
});
