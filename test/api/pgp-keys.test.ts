/**
 * Unseal shares and root tokens encrypted to their holders' PGP keys, as Vault does it, through
 * real HTTP, with real GnuPG on the holders' side: `sys/init` with `pgp_keys` and
 * `root_token_pgp_key`, `sys/rekey` with `pgp_keys` and `backup` (and `sys/rekey/backup`),
 * `sys/generate-root` with `pgp_key`. What gpg decrypts is what `unseal` takes and a token that
 * works. Bad keys (not a key, a `keybase:` name, a private key, a key that cannot encrypt, too
 * few) are refused before anything is made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { api, startUninitialisedServer, unsealWith } from '../helpers/test-server.js';
import { GnuPgHome } from '../helpers/gnupg.js';
import type { GpgKey } from '../helpers/gnupg.js';

let s: RunningServer;
let gpg: GnuPgHome;
let alice: GpgKey;
let bob: GpgKey;
let carol: GpgKey;
let signOnly: GpgKey;
let shares: string[];
let rootToken: string;

const call = (method: string, path: string, body?: unknown, token?: string) => api(s, method, path, { body, token });


beforeAll(async () => {
  gpg = new GnuPgHome();
  alice = gpg.createKey('alice');
  bob = gpg.createKey('bob');
  carol = gpg.createKey('carol');
  signOnly = gpg.createKey('signer', { signOnly: true });
  s = await startUninitialisedServer('pgp');
}, 60_000);
afterAll(async () => {
  await s?.close();
  gpg?.remove();
});

describe('sys/init with PGP keys', () => {
  it('refuses bad keys before anything is made: the server stays uninitialised', async () => {
    const init = (extra: Record<string, unknown>) => call('PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2, ...extra });
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ pgp_keys: [alice.publicBase64, bob.publicBase64] }, 'pgp_keys: 2 keys given for 3 shares'],
      [{ pgp_keys: [alice.publicBase64, bob.publicBase64, 'bm90IGEga2V5'] }, 'pgp_keys[2]: not a PGP public key'],
      [{ pgp_keys: [alice.publicBase64, 'keybase:jefferai', bob.publicBase64] }, 'pgp_keys[1]: keybase: names are not fetched by the server'],
      [{ pgp_keys: [alice.publicBase64, bob.publicBase64, gpg.exportSecret(carol)] }, 'pgp_keys[2]: is a private key'],
      [{ pgp_keys: [alice.publicBase64, bob.publicBase64, signOnly.publicBase64] }, `pgp_keys[2]: the key ${signOnly.fingerprint} cannot be encrypted to`],
      [{ pgp_keys: 'not a list' }, 'pgp_keys: 1 keys given for 3 shares'],
      [{ pgp_keys: { a: 1 } }, 'pgp_keys: must be a list of PGP public keys'],
      [{ root_token_pgp_key: 'bm90IGEga2V5' }, 'root_token_pgp_key: not a PGP public key'],
    ];
    for (const [extra, message] of refusals) {
      const res = await init(extra);
      expect(res.status, message).toBe(400);
      expect(res.body.errors[0]).toContain(message);
      // a refused key is not echoed back
      expect(JSON.stringify(res.body)).not.toContain(gpg.exportSecret(carol).slice(0, 40));
    }
    expect((await call('GET', 'sys/init')).body).toEqual({ initialized: false });
  });

  it('returns each share encrypted to its holder and the root token to its own key; what gpg decrypts unseals', async () => {
    const armoured = gpg.exportArmoured(carol);
    expect(armoured).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    const res = await call('PUT', 'sys/init', {
      secret_shares: 3,
      secret_threshold: 2,
      pgp_keys: [alice.publicBase64, bob.publicBase64, armoured],
      root_token_pgp_key: alice.publicBase64,
    });
    expect(res.status).toBe(200);
    const { keys, keys_base64: keysBase64, root_token: encryptedRoot } = res.body as { keys: string[]; keys_base64: string[]; root_token: string };
    expect(keys).toHaveLength(3);
    for (const [i, hex] of keys.entries()) {
      expect(Buffer.from(hex, 'hex').equals(Buffer.from(keysBase64[i] as string, 'base64'))).toBe(true);
      expect(hex.length).toBeGreaterThan(200); // a PGP message, not a 33-byte share
    }
    expect(encryptedRoot).not.toMatch(/^hvs\./);

    shares = keysBase64.map((k) => gpg.decryptBase64(k));
    for (const share of shares) expect(share).toMatch(/^[0-9a-f]{66}$/);
    expect(new Set(shares).size).toBe(3);
    rootToken = gpg.decryptBase64(encryptedRoot);
    expect(rootToken).toMatch(/^hvs\./);

    await unsealWith(s, [shares[2] as string, shares[0] as string]);
    const self = await call('GET', 'auth/token/lookup-self', undefined, rootToken);
    expect(self.status).toBe(200);
    expect(self.body.data.policies).toEqual(['root']);
  });
});

describe('sys/rekey with PGP keys and a backup', () => {
  it('encrypts the new shares, keeps them for sys/rekey/backup, and the decrypted ones unseal', async () => {
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 2, secret_threshold: 2, pgp_keys: [bob.publicBase64] })).body.errors[0]).toContain(
      'pgp_keys: 1 keys given for 2 shares',
    );
    const started = await call('PUT', 'sys/rekey/init', { secret_shares: 2, secret_threshold: 2, pgp_keys: [bob.publicBase64, carol.publicBase64], backup: true });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ started: true, n: 2, t: 2, backup: true, pgp_fingerprints: [bob.fingerprint, carol.fingerprint] });
    expect((await call('GET', 'sys/rekey/init')).body.pgp_fingerprints).toEqual([bob.fingerprint, carol.fingerprint]);
    // refused before any key is read (the route takes no token; reading keys costs time)
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 2, secret_threshold: 2, pgp_keys: ['not-a-key', 'not-a-key'] })).body.errors).toEqual([
      'rekey already in progress',
    ]);
    const nonce = started.body.nonce as string;
    await call('PUT', 'sys/rekey/update', { key: shares[0], nonce });
    const done = await call('PUT', 'sys/rekey/update', { key: shares[1], nonce });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ complete: true, backup: true, pgp_fingerprints: [bob.fingerprint, carol.fingerprint] });
    const newShares = (done.body.keys_base64 as string[]).map((k) => gpg.decryptBase64(k));
    for (const share of newShares) expect(share).toMatch(/^[0-9a-f]{66}$/);

    // the backup needs a token (with sudo) and holds the same encrypted shares, by fingerprint
    expect((await call('GET', 'sys/rekey/backup')).status).toBe(403);
    const backup = await call('GET', 'sys/rekey/backup', undefined, rootToken);
    expect(backup.status).toBe(200);
    expect(backup.body.data).toEqual({
      nonce,
      keys: { [bob.fingerprint]: [done.body.keys[0]], [carol.fingerprint]: [done.body.keys[1]] },
      keys_base64: { [bob.fingerprint]: [done.body.keys_base64[0]], [carol.fingerprint]: [done.body.keys_base64[1]] },
    });

    // the old shares no longer unseal; the decrypted new ones do
    expect((await call('PUT', 'sys/seal', undefined, rootToken)).status).toBe(204);
    await call('PUT', 'sys/unseal', { key: shares[0] });
    const oldSecond = await call('PUT', 'sys/unseal', { key: shares[1] });
    expect(oldSecond.status).toBe(400);
    await unsealWith(s, newShares);
    shares = newShares;

    expect((await call('GET', 'sys/rekey/backup', undefined, rootToken)).status).toBe(200); // kept across a seal
    expect((await call('DELETE', 'sys/rekey/backup', undefined, rootToken)).status).toBe(204);
    const gone = await call('GET', 'sys/rekey/backup', undefined, rootToken);
    expect(gone.status).toBe(400);
    expect(gone.body.errors).toEqual(['no backed-up keys found']);
  });
});

describe('sys/generate-root with a PGP key', () => {
  it('returns the new root token encrypted to the key, which gpg opens', async () => {
    expect((await call('PUT', 'sys/generate-root/attempt', { pgp_key: carol.publicBase64, otp: 'x'.repeat(43) })).body.errors[0]).toContain(
      'either an OTP or a PGP key',
    );
    const started = await call('PUT', 'sys/generate-root/attempt', { pgp_key: carol.publicBase64 });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ started: true, pgp_fingerprint: carol.fingerprint, otp: '' });
    expect((await call('PUT', 'sys/generate-root/attempt', { pgp_key: 'not-a-key' })).body.errors).toEqual(['root generation already in progress']);
    const nonce = started.body.nonce as string;
    await call('PUT', 'sys/generate-root/update', { key: shares[0], nonce });
    const done = await call('PUT', 'sys/generate-root/update', { key: shares[1], nonce });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ complete: true, pgp_fingerprint: '' });
    expect(done.body.encoded_token).toBe(done.body.encoded_root_token);
    const token = gpg.decryptBase64(done.body.encoded_token);
    expect(token).toMatch(/^hvs\./);
    expect(token).not.toBe(rootToken);
    expect((await call('GET', 'auth/token/lookup-self', undefined, token)).body.data.policies).toEqual(['root']);
  });
});

describe('sys/rekey with PGP keys, a backup and verification', () => {
  it('keeps the backup only once the new shares have been given back', async () => {
    const started = await call('PUT', 'sys/rekey/init', { secret_shares: 1, secret_threshold: 1, pgp_keys: [alice.publicBase64], backup: true, require_verification: true });
    expect(started.body).toMatchObject({ verification_required: true, backup: true, pgp_fingerprints: [alice.fingerprint] });
    await call('PUT', 'sys/rekey/update', { key: shares[0], nonce: started.body.nonce });
    const done = await call('PUT', 'sys/rekey/update', { key: shares[1], nonce: started.body.nonce });
    expect(done.body).toMatchObject({ complete: true, verification_required: true });
    expect((await call('GET', 'sys/rekey/backup', undefined, rootToken)).status).toBe(400); // nothing stored yet
    const newShare = gpg.decryptBase64(done.body.keys_base64[0]);
    const verified = await call('PUT', 'sys/rekey/verify', { key: newShare, nonce: done.body.verification_nonce });
    expect(verified.body).toMatchObject({ complete: true });
    const backup = await call('GET', 'sys/rekey/backup', undefined, rootToken);
    expect(backup.body.data.keys_base64).toEqual({ [alice.fingerprint]: done.body.keys_base64 });
    expect((await call('PUT', 'sys/seal', undefined, rootToken)).status).toBe(204);
    await unsealWith(s, [newShare]);
  });
});
