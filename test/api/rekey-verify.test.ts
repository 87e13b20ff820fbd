/**
 * `sys/rekey` with `require_verification`, through real HTTP: the new shares take effect only once
 * a quorum of them is given back to `sys/rekey/verify`; until then nothing is stored (a cancelled
 * rekey leaves the old shares in force), wrong shares reset the progress, DELETE starts the
 * verification over with a new nonce, and the verified shares then unseal while the old do not.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { api, startUninitialisedServer, unsealWith } from '../helpers/test-server.js';

let s: RunningServer;
let keys: string[];
let root: string;
const call = (method: string, path: string, body?: unknown, token?: string) => api(s, method, path, { body, token });


/** Starts a rekey to 3 shares (threshold 2) that needs verification; answers the new shares. */
async function rekeyNeedingVerification(): Promise<{ newKeys: string[]; verificationNonce: string }> {
  const started = await call('PUT', 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2, require_verification: true });
  expect(started.body).toMatchObject({ started: true, n: 3, t: 2, verification_required: true });
  const nonce = started.body.nonce as string;
  await call('PUT', 'sys/rekey/update', { key: keys[0], nonce });
  const done = await call('PUT', 'sys/rekey/update', { key: keys[1], nonce });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ complete: true, verification_required: true });
  expect(done.body.keys).toHaveLength(3);
  return { newKeys: done.body.keys as string[], verificationNonce: done.body.verification_nonce as string };
}

beforeAll(async () => {
  s = await startUninitialisedServer('rekey-verify');
  const init = await call('PUT', 'sys/init', { secret_shares: 2, secret_threshold: 2 });
  keys = init.body.keys;
  root = init.body.root_token;
  await unsealWith(s, keys);
});
afterAll(async () => s?.close());

describe('sys/rekey with require_verification', () => {
  it('stores nothing until verified: a rekey cancelled before that leaves the old shares in force', async () => {
    const { newKeys } = await rekeyNeedingVerification();
    expect((await call('PUT', 'sys/rekey/update', { key: keys[0], nonce: 'x' })).body.errors[0]).toContain('waiting for verification');
    expect((await call('DELETE', 'sys/rekey/init')).status).toBe(204);
    expect((await call('GET', 'sys/rekey/verify')).body).toMatchObject({ started: false, progress: 0 });
    expect((await call('PUT', 'sys/seal', undefined, root)).status).toBe(204);
    await call('PUT', 'sys/unseal', { key: newKeys[0] });
    expect((await call('PUT', 'sys/unseal', { key: newKeys[1] })).status).toBe(400); // never stored
    await unsealWith(s, keys);
  });

  it('takes effect once a quorum of the new shares is given back; wrong ones reset the progress', async () => {
    const { newKeys, verificationNonce } = await rekeyNeedingVerification();
    const status = await call('GET', 'sys/rekey/verify');
    expect(status.body).toEqual({ nonce: verificationNonce, started: true, t: 2, n: 3, progress: 0 });

    expect((await call('PUT', 'sys/rekey/verify', { key: newKeys[0], nonce: 'wrong' })).body.errors).toEqual(['incorrect nonce']);
    expect((await call('PUT', 'sys/rekey/verify', { key: newKeys[0], nonce: verificationNonce })).body).toMatchObject({ progress: 1 });
    const wrong = await call('PUT', 'sys/rekey/verify', { key: randomBytes(33).toString('hex'), nonce: verificationNonce });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]).toContain('do not make the new key');
    expect((await call('GET', 'sys/rekey/verify')).body).toMatchObject({ started: true, progress: 0 });

    // DELETE starts the verification over under a new nonce; the rekey itself stays
    const restarted = await call('DELETE', 'sys/rekey/verify');
    expect(restarted.body).toMatchObject({ started: true, progress: 0 });
    const nonce = restarted.body.nonce as string;
    expect(nonce).not.toBe(verificationNonce);
    await call('PUT', 'sys/rekey/verify', { key: newKeys[2], nonce });
    const verified = await call('PUT', 'sys/rekey/verify', { key: newKeys[1], nonce });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ nonce, complete: true });
    expect((await call('GET', 'sys/rekey/init')).body.started).toBe(false);
    expect((await call('GET', 'sys/seal-status')).body).toMatchObject({ t: 2, n: 3 });

    // the old shares stop unsealing; two of the new ones do
    expect((await call('PUT', 'sys/seal', undefined, root)).status).toBe(204);
    await call('PUT', 'sys/unseal', { key: keys[0] });
    expect((await call('PUT', 'sys/unseal', { key: keys[1] })).status).toBe(400);
    await unsealWith(s, [newKeys[2] as string, newKeys[0] as string]);
  });
});
