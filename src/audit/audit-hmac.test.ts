import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditResponseInput } from './audit-entry.js';
import { HMAC_PREFIX, createAuditHasher, createEntryHasher, hashDeep, newSalt } from './audit-hmac.js';
import type { AuditHasher, HmacOptions } from './audit-hmac.js';
import { buildRequestEntry, buildResponseEntry } from './testing/audit-entries.js';
import type { AuditEntry } from './testing/audit-entries.js';

const salt = new Uint8Array(32).fill(7);
const hash = createAuditHasher(salt);
const expected = (s: string) => HMAC_PREFIX + createHmac('sha256', Buffer.from(salt)).update(s).digest('hex');

/** An entry as a device writes it (blocks hashed and serialised), read back. */
function hashEntry(entry: AuditEntry, keyedHash: AuditHasher, options: HmacOptions): AuditEntry {
  const hasher = createEntryHasher(keyedHash, options);
  const out: AuditEntry = { ...entry, request: JSON.parse(hasher.request(entry.request)) as Record<string, unknown> };
  if (entry.auth) out.auth = JSON.parse(hasher.auth(entry.auth)) as Record<string, unknown>;
  if (entry.response) out.response = JSON.parse(hasher.response(entry.response)) as Record<string, unknown>;
  return out;
}

const input: AuditResponseInput = {
  request: {
    id: 'req-1',
    operation: 'update',
    path: 'secret/data/app',
    data: { data: { password: 'hunter2', nested: [{ api_key: 'sk-live-1' }, 42, true, null] } },
    remoteAddress: '10.0.0.1',
    clientToken: 'hvs.client-token',
    clientTokenAccessor: 'accessor-1',
    mountType: 'kv',
    mountPoint: 'secret/',
  },
  auth: { clientToken: 'hvs.client-token', accessor: 'accessor-1', displayName: 'token', policies: ['default'] },
  response: {
    data: { value: 'response-secret', version: 3 },
    auth: {
      client_token: 'hvs.new-token',
      accessor: 'new-accessor',
      policies: ['default'],
      metadata: { role: 'ci' },
    },
    wrapInfo: { token: 'hvs.wrap', accessor: 'wrap-acc', ttl: 60, creation_time: 't', creation_path: 'p' },
  },
};

describe('audit HMAC', () => {
  it('formats hmac-sha256:<hex> with the salt as key', () => {
    expect(hash('my-secret-vault')).toBe(expected('my-secret-vault'));
    expect(hash('x')).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it('hashes every string deeply, keeps keys and non-string scalars', () => {
    expect(hashDeep({ a: 'x', b: [1, 'y', { c: 'z', d: false }], e: null }, hash)).toEqual({
      a: expected('x'),
      b: [1, expected('y'), { c: expected('z'), d: false }],
      e: null,
    });
    expect(hashDeep({ bytes: new Uint8Array([1, 2]), when: new Date(0) }, hash)).toEqual({
      bytes: expected('AQI='),
      when: expected('1970-01-01T00:00:00.000Z'),
    });
  });

  it('remembers the hashed copy of deeply frozen objects by identity, and of nothing else', () => {
    const hashed: string[] = [];
    const counting: AuditHasher = (v) => {
      hashed.push(v);
      return hash(v);
    };
    const memo = new WeakMap<object, unknown>();
    const version = Object.freeze({ password: 'p-1', nested: Object.freeze({ key: 'k-1' }) });
    const expectedCopy = { password: expected('p-1'), nested: { key: expected('k-1') } };
    expect(hashDeep({ data: version, metadata: { t: 'now' } }, counting, memo)).toEqual({ data: expectedCopy, metadata: { t: expected('now') } });
    expect(hashDeep({ data: version, metadata: { t: 'now' } }, counting, memo)).toEqual({ data: expectedCopy, metadata: { t: expected('now') } });
    expect(hashed).toEqual(['p-1', 'k-1', 'now', 'now']); // the frozen version once, the rest each time
    // a frozen object with something changeable inside is hashed every time
    const shallow = Object.freeze({ inner: { key: 'k-2' } });
    hashDeep(shallow, counting, memo);
    hashDeep(shallow, counting, memo);
    expect(hashed.slice(4)).toEqual(['k-2', 'k-2']);
  });

  it('hashes data, tokens, accessors and wrap info of an entry', () => {
    const e = hashEntry(buildResponseEntry(input), hash, { logRaw: false, hmacAccessor: true });
    expect(e.request['data']).toEqual({
      data: { password: expected('hunter2'), nested: [{ api_key: expected('sk-live-1') }, 42, true, null] },
    });
    expect(e.request['client_token']).toBe(expected('hvs.client-token'));
    expect(e.request['client_token_accessor']).toBe(expected('accessor-1'));
    expect(e.request['path']).toBe('secret/data/app');
    expect(e.auth?.['client_token']).toBe(expected('hvs.client-token'));
    expect(e.auth?.['accessor']).toBe(expected('accessor-1'));
    expect(e.auth?.['display_name']).toBe('token');
    const res = e.response ?? {};
    expect(res['data']).toEqual({ value: expected('response-secret'), version: 3 });
    expect(res['auth']).toMatchObject({ client_token: expected('hvs.new-token'), accessor: expected('new-accessor') });
    expect(res['auth']).toMatchObject({ metadata: { role: 'ci' }, policies: ['default'] });
    expect(res['wrap_info']).toMatchObject({ token: expected('hvs.wrap'), accessor: expected('wrap-acc'), ttl: 60 });
    const text = JSON.stringify(e);
    for (const secret of ['hunter2', 'sk-live-1', 'hvs.client-token', 'response-secret', 'hvs.new-token', 'hvs.wrap']) {
      expect(text).not.toContain(secret);
    }
  });

  it('does not modify the raw entry', () => {
    const raw = buildRequestEntry(input);
    const before = JSON.stringify(raw);
    hashEntry(raw, hash, { logRaw: false, hmacAccessor: true });
    expect(JSON.stringify(raw)).toBe(before);
  });

  it('hmac_accessor=false keeps accessors, still hashes tokens', () => {
    const e = hashEntry(buildResponseEntry(input), hash, { logRaw: false, hmacAccessor: false });
    expect(e.request['client_token_accessor']).toBe('accessor-1');
    expect(e.auth?.['accessor']).toBe('accessor-1');
    expect(e.response?.['auth']).toMatchObject({ accessor: 'new-accessor', client_token: expected('hvs.new-token') });
    expect(e.response?.['wrap_info']).toMatchObject({ accessor: 'wrap-acc', token: expected('hvs.wrap') });
  });

  it('log_raw keeps every value', () => {
    const raw = buildResponseEntry(input);
    const e = hashEntry(raw, hash, { logRaw: true, hmacAccessor: true });
    expect(JSON.stringify(e)).toContain('hunter2');
    expect(e).toEqual(raw);
  });

  it('same salt hashes the same; another salt differently', () => {
    expect(createAuditHasher(new Uint8Array(salt))('v')).toBe(hash('v'));
    expect(createAuditHasher(newSalt())('v')).not.toBe(hash('v'));
    expect(newSalt()).toHaveLength(32);
  });
});

describe('audit entry', () => {
  it('builds a Vault-shaped request entry', () => {
    const e = buildRequestEntry(
      { request: { ...input.request, wrapTtlSeconds: 30 }, auth: input.auth, error: 'permission denied' },
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(e).toMatchObject({
      time: '2026-01-01T00:00:00.000Z',
      type: 'request',
      error: 'permission denied',
      auth: { client_token: 'hvs.client-token', accessor: 'accessor-1', display_name: 'token', policies: ['default'] },
      request: {
        id: 'req-1',
        operation: 'update',
        mount_type: 'kv',
        mount_point: 'secret/',
        namespace: { id: 'root' },
        path: 'secret/data/app',
        remote_address: '10.0.0.1',
        wrap_ttl: 30,
      },
    });
    expect(e).not.toHaveProperty('response');
  });

  it('builds a response entry and omits what is absent', () => {
    const e = buildResponseEntry({ request: { id: 'r', operation: 'read', path: 'sys/health' }, response: {} });
    expect(e.type).toBe('response');
    expect(e).not.toHaveProperty('auth');
    expect(e).not.toHaveProperty('error');
    expect(e.request).toEqual({ id: 'r', operation: 'read', namespace: { id: 'root' }, path: 'sys/health' });
    expect(buildResponseEntry(input).response).toMatchObject({ mount_type: 'kv', data: { version: 3 } });
  });
});
