import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as argon2 from '@node-rs/argon2';
import { HushError } from '../../../lib/errors.js';
import { MapStorage } from '../../../engines/testing/map-storage.js';
import type { Operation } from '../../../core/request.js';
import type { AuthMethod, AuthRequest, AuthResponse } from '../auth-method.js';
import { createUserpassMethod, userpassAuthMethodFactory } from './userpass-method.js';

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof argon2>();
  return { ...real, verify: vi.fn(real.verify) };
});

let storage: MapStorage;
let method: AuthMethod;
let n = 0;

function req(operation: Operation, path: string, data: Record<string, unknown> = {}, remoteAddress = '127.0.0.1'): AuthRequest {
  n += 1;
  return { id: `r${n}`, operation, path, data, query: {}, headers: {}, mountPoint: 'userpass/', remoteAddress };
}
const call = (operation: Operation, path: string, data: Record<string, unknown> = {}, addr?: string) =>
  method.handle(req(operation, path, data, addr));
const failure = async (p: Promise<unknown>): Promise<{ code: string; message: string } | undefined> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof HushError) return { code: err.code, message: err.message };
    throw err;
  }
  return undefined;
};
const storedText = () => [...storage.entries].map(([k, v]) => `${k}=${Buffer.from(v).toString('latin1')}`).join('\n');

beforeEach(() => {
  storage = new MapStorage();
  method = createUserpassMethod(storage);
  vi.mocked(argon2.verify).mockClear();
});

describe('userpass users', () => {
  it('creates a user with a lower-cased name and an argon2id hash, never the password', async () => {
    await call('update', 'users/Alice', { password: 'correct horse', token_policies: 'Dev, ops,dev', token_ttl: '1h' });
    expect(storage.keys()).toEqual(['user/alice']);
    const text = storedText();
    expect(text).not.toContain('correct horse');
    expect(text).toMatch(/\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const read = await call('read', 'users/ALICE');
    expect(read.data).toEqual({
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['dev', 'ops'],
      token_ttl: 3600,
      token_type: 'default',
    });
    expect(JSON.stringify(read.data)).not.toMatch(/argon2|hash|password/);
  });

  it('requires a password on create, keeps the hash on updates without one', async () => {
    expect(await failure(call('update', 'users/bob', { token_policies: 'x' }))).toEqual({ code: 'bad_request', message: 'missing password' });
    await call('create', 'users/bob', { password: 'pw-1' });
    const before = storedText();
    await call('update', 'users/bob', { token_num_uses: 3 });
    expect(storedText()).not.toBe(before);
    expect((await call('read', 'users/bob')).data).toMatchObject({ token_num_uses: 3 });
    expect((await call('update', 'login/bob', { password: 'pw-1' })).login).toBeDefined();
  });

  it('reads every token field back and the legacy names while they are used', async () => {
    await call('update', 'users/carol', {
      password: 'pw',
      policies: ['a', 'b'],
      ttl: 60,
      max_ttl: '2m',
      bound_cidrs: '10.0.0.0/8,192.168.1.1',
      token_explicit_max_ttl: '1h',
      token_period: 30,
      token_num_uses: '2',
      token_no_default_policy: 'true',
      token_type: 'service',
    });
    expect((await call('read', 'users/carol')).data).toEqual({
      token_bound_cidrs: ['10.0.0.0/8', '192.168.1.1/32'],
      token_explicit_max_ttl: 3600,
      token_max_ttl: 120,
      token_no_default_policy: true,
      token_num_uses: 2,
      token_period: 30,
      token_policies: ['a', 'b'],
      token_ttl: 60,
      token_type: 'service',
      policies: ['a', 'b'],
      ttl: 60,
      max_ttl: 120,
      bound_cidrs: ['10.0.0.0/8', '192.168.1.1/32'],
    });
    await call('update', 'users/carol', { token_policies: ['c'] });
    const data = (await call('read', 'users/carol')).data!;
    expect(data['token_policies']).toEqual(['c']);
    expect(data['policies']).toBeUndefined();
  });

  it('refuses bad token fields with a clear message and writes nothing', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ token_ttl: '2h', token_max_ttl: '1h' }, /"token_ttl" cannot be greater than "token_max_ttl"/],
      [{ policies: 'a', token_policies: 'b' }, /cannot specify both "token_policies" and "policies"/],
      [{ token_type: 'bulk' }, /invalid 'token_type' value "bulk"/],
      [{ token_type: 'batch', token_num_uses: 2 }, /cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count/],
      [{ token_type: 'batch', token_period: '1h' }, /cannot be 'batch' or 'default_batch' when set to generate periodic tokens/],
      [{ token_bound_cidrs: ['10.0.0.0/33'] }, /invalid CIDR block/],
      [{ token_num_uses: -1 }, /cannot be negative/],
      [{ token_ttl: 'soon' }, /invalid token_ttl/],
      [{ password_hash: '$2a$10$abc' }, /password_hash is not supported/],
    ];
    for (const [fields, message] of bad) {
      const f = await failure(call('update', 'users/dave', { password: 'pw', ...fields }));
      expect(f?.code).toBe('bad_request');
      expect(f?.message).toMatch(message);
    }
    expect(storage.keys()).toEqual([]);
    for (const name of ['-x', '.x', 'x.', 'a b', 'x'.repeat(300)]) {
      expect((await failure(call('update', `users/${encodeURIComponent(name)}`, { password: 'pw' })))?.code).toBe('bad_request');
    }
  });

  it('lists, deletes, and answers 404 for missing users and an empty list', async () => {
    expect((await failure(call('list', 'users/')))?.code).toBe('not_found');
    await call('update', 'users/b', { password: 'pw' });
    await call('update', 'users/a', { password: 'pw' });
    expect((await call('list', 'users')).data).toEqual({ keys: ['a', 'b'] });
    await call('delete', 'users/A');
    await call('delete', 'users/A');
    expect((await call('list', 'users/')).data).toEqual({ keys: ['b'] });
    expect((await failure(call('read', 'users/a')))?.code).toBe('not_found');
    expect((await failure(call('read', 'users/nobody')))?.code).toBe('not_found');
  });

  it('updates policies and password of existing users only', async () => {
    expect(await failure(call('update', 'users/eve/password', { password: 'x' }))).toEqual({
      code: 'bad_request',
      message: 'username does not exist',
    });
    expect((await failure(call('update', 'users/eve/policies', { token_policies: 'x' })))?.code).toBe('bad_request');
    await call('update', 'users/eve', { password: 'old-pw', token_policies: 'a' });
    await call('update', 'users/eve/policies', { policies: 'b,c' });
    expect((await call('read', 'users/eve')).data).toMatchObject({ token_policies: ['b', 'c'], policies: ['b', 'c'] });
    expect(await failure(call('update', 'users/eve/password', {}))).toEqual({ code: 'bad_request', message: 'missing password' });
    await call('update', 'users/EVE/password', { password: 'new-pw' });
    expect(await failure(call('update', 'login/eve', { password: 'old-pw' }))).toEqual({
      code: 'bad_request',
      message: 'invalid username or password',
    });
    expect((await call('update', 'login/eve', { password: 'new-pw' })).login?.policies).toEqual(['b', 'c']);
    expect(storedText()).not.toMatch(/old-pw|new-pw/);
  });
});

describe('userpass login', () => {
  beforeEach(async () => {
    await call('update', 'users/alice', {
      password: 's3cret pass',
      token_policies: 'reader',
      token_ttl: '10m',
      token_max_ttl: '1h',
      token_num_uses: 5,
      token_no_default_policy: true,
    });
  });

  it('returns who logged in and what the token may do', async () => {
    const res: AuthResponse = await call('create', 'login/ALICE', { password: 's3cret pass' });
    expect(res.login).toEqual({
      policies: ['reader'],
      noDefaultPolicy: true,
      metadata: { username: 'alice' },
      displayName: 'alice',
      aliasName: 'alice',
      ttl: 600,
      maxTtl: 3600,
      explicitMaxTtl: 0,
      period: 0,
      numUses: 5,
      boundCidrs: [],
      tokenType: 'default',
    });
  });

  it('asks for a batch token when the user says so', async () => {
    await call('update', 'users/bob', { password: 'pw of bob', token_type: 'batch' });
    expect((await call('read', 'users/bob')).data).toMatchObject({ token_type: 'batch' });
    const res: AuthResponse = await call('create', 'login/bob', { password: 'pw of bob' });
    expect(res.login?.tokenType).toBe('batch');
  });

  it('gives one answer for an unknown user, an invalid name and a wrong password, after one argon2 verify each', async () => {
    const verify = vi.mocked(argon2.verify);
    const attempts: [string, string][] = [
      ['login/alice', 'wrong'],
      ['login/nobody', 's3cret pass'],
      [`login/${encodeURIComponent('-bad.')}`, 's3cret pass'],
    ];
    for (const [path, password] of attempts) {
      expect(await failure(call('update', path, { password }))).toEqual({ code: 'bad_request', message: 'invalid username or password' });
    }
    verify.mockClear();
    for (const path of ['login/alice', 'login/nobody']) {
      await failure(call('update', path, { password: 'wrong' }));
    }
    expect(verify).toHaveBeenCalledTimes(2);
    // Both verified against an argon2id hash with the same parameters.
    const hashes = verify.mock.calls.map((c) => String(c[0]).split('$').slice(0, 4).join('$'));
    expect(hashes[0]).toBe('$argon2id$v=19$m=19456,t=2,p=1');
    expect(hashes[1]).toBe(hashes[0]);
  });

  it('requires a password', async () => {
    expect(await failure(call('update', 'login/alice', {}))).toEqual({ code: 'bad_request', message: 'missing password' });
  });

  it('refuses a login from outside token_bound_cidrs', async () => {
    await call('update', 'users/alice', { token_bound_cidrs: '10.0.0.0/8' });
    expect((await failure(call('update', 'login/alice', { password: 's3cret pass' }, '192.168.0.9')))?.code).toBe(
      'permission_denied',
    );
    const ok = await call('update', 'login/alice', { password: 's3cret pass' }, '::ffff:10.1.2.3');
    expect(ok.login?.boundCidrs).toEqual(['10.0.0.0/8']);
  });

  it('declares login paths unauthenticated and names the user for lockout', () => {
    expect(method.isUnauthenticatedPath('login/alice')).toBe(true);
    expect(method.isUnauthenticatedPath('users/alice')).toBe(false);
    expect(method.isUnauthenticatedPath('users/')).toBe(false);
    expect(method.loginIdentifier?.(req('update', 'login/Alice'))).toBe('alice');
    expect(method.loginIdentifier?.(req('update', 'users/alice'))).toBeUndefined();
  });

  it('is built by its factory', async () => {
    expect(userpassAuthMethodFactory.type).toBe('userpass');
    const built = await userpassAuthMethodFactory.create({
      view: new MapStorage(),
      mount: { path: 'userpass/', type: 'userpass', description: '', options: {}, config: {} },
      now: Date.now,
    });
    expect(built.isUnauthenticatedPath('login/x')).toBe(true);
  });
});
