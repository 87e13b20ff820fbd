/**
 * @module PGP public keys that what only one person may read is encrypted to, as Vault does it:
 * unseal shares at init and rekey (`pgp_keys`), the initial root token (`root_token_pgp_key`),
 * a generated root token (`pgp_key`). So the operator who runs the command never sees them.
 *
 * A key comes as Vault takes it, the binary public key base64-encoded (`gpg --export KEY |
 * base64`); an ASCII-armoured key is taken too. `keybase:` names are the vault CLI's business
 * (it fetches the key before calling the API). Every key is tried when the operation starts, by
 * encrypting a test message, so that no share is ever made that cannot be handed over. A share
 * is encrypted as its hex (what `gpg -dq` then prints is what `unseal` takes), a token as itself.
 * openpgp.js is loaded on first use: most servers never need it.
 */
import type * as OpenPgpModule from 'openpgp';
import { HushError } from '../lib/errors.js';

/** One key's holder: the key's fingerprint (lower-case hex, as Vault shows it) and a way to
 * encrypt to it. */
export interface PgpRecipient {
  readonly fingerprint: string;
  /** A binary OpenPGP message only the key's holder can open. */
  encrypt(plaintext: Uint8Array): Promise<Uint8Array>;
}

type OpenPgp = typeof OpenPgpModule;
let loaded: Promise<OpenPgp> | undefined;
const openpgp = (): Promise<OpenPgp> => (loaded ??= import('openpgp'));

const ARMOURED = /^\s*-----BEGIN PGP PUBLIC KEY BLOCK-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_KEY_CHARS = 64 * 1024;

function refuse(field: string, why: string): HushError {
  return new HushError('bad_request', `${field}: ${why}`);
}

/** The recipient `value` names (a base64 or armoured public key); `field` names it in errors. */
export async function pgpRecipient(value: unknown, field: string): Promise<PgpRecipient> {
  if (typeof value !== 'string' || value.trim() === '') throw refuse(field, 'must be a PGP public key, base64-encoded');
  if (value.startsWith('keybase:')) {
    throw refuse(field, 'keybase: names are not fetched by the server; give the public key itself (gpg --export KEY | base64)');
  }
  if (value.length > MAX_KEY_CHARS) throw refuse(field, `a public key of more than ${MAX_KEY_CHARS} characters is not taken`);
  const pgp = await openpgp();
  let key: Awaited<ReturnType<OpenPgp['readKey']>>;
  try {
    const compact = value.replace(/\s+/g, '');
    if (ARMOURED.test(value)) key = await pgp.readKey({ armoredKey: value });
    else if (BASE64.test(compact)) key = await pgp.readKey({ binaryKey: Buffer.from(compact, 'base64') });
    else throw new Error('neither base64 nor an armoured key block');
  } catch (err) {
    throw refuse(field, `not a PGP public key (${reason(err)})`);
  }
  if (key.isPrivate()) throw refuse(field, 'is a private key: give the public key (gpg --export KEY | base64)');
  const recipient: PgpRecipient = {
    fingerprint: key.getFingerprint(),
    async encrypt(plaintext) {
      const message = await pgp.createMessage({ binary: plaintext });
      return pgp.encrypt({ message, encryptionKeys: key, format: 'binary' });
    },
  };
  try {
    await recipient.encrypt(new Uint8Array(16));
  } catch (err) {
    throw refuse(field, `the key ${recipient.fingerprint} cannot be encrypted to (${reason(err)})`);
  }
  return recipient;
}

const absent = (value: unknown): boolean => value === undefined || value === null || value === '';

/** The recipient `value` names, or undefined when it is absent or empty (no PGP). */
export async function optionalPgpRecipient(value: unknown, field: string): Promise<PgpRecipient | undefined> {
  return absent(value) ? undefined : pgpRecipient(value, field);
}

/**
 * The recipients of `count` shares from `value` (a list, or a comma-separated string), in order;
 * undefined when `value` is absent or empty (no PGP). The count is checked before any key is read.
 */
export async function pgpRecipients(value: unknown, count: number, field: string): Promise<PgpRecipient[] | undefined> {
  if (absent(value)) return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list)) throw refuse(field, 'must be a list of PGP public keys');
  if (list.length === 0) return undefined;
  if (list.length !== count) {
    throw refuse(field, `${list.length} keys given for ${count} shares: give one public key for each share`);
  }
  const recipients: PgpRecipient[] = [];
  for (const [i, item] of list.entries()) recipients.push(await pgpRecipient(item, `${field}[${i}]`));
  return recipients;
}

/** The shares encrypted each to its own recipient (a share as its hex, as Vault does). */
export async function encryptShares(shares: readonly Uint8Array[], recipients: readonly PgpRecipient[]): Promise<Uint8Array[]> {
  const encrypted: Uint8Array[] = [];
  for (const [i, share] of shares.entries()) {
    const hex = hexBytes(share);
    try {
      encrypted.push(await (recipients[i] as PgpRecipient).encrypt(hex));
    } finally {
      hex.fill(0);
    }
  }
  return encrypted;
}

/** `bytes` as lower-case hex digits, in a buffer (no string to linger), which the caller wipes. */
function hexBytes(bytes: Uint8Array): Buffer {
  const digits = Buffer.from('0123456789abcdef', 'latin1');
  const out = Buffer.alloc(bytes.length * 2);
  bytes.forEach((b, i) => {
    out[2 * i] = digits[b >> 4] as number;
    out[2 * i + 1] = digits[b & 15] as number;
  });
  return out;
}

/** The token encrypted to `recipient`, base64-encoded (Vault's `root_token` / `encoded_token`). */
export async function encryptToken(token: string, recipient: PgpRecipient): Promise<string> {
  return Buffer.from(await recipient.encrypt(Buffer.from(token, 'utf8'))).toString('base64');
}

function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 160 ? `${message.slice(0, 157)}...` : message;
}
