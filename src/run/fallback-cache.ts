/**
 * @module The offline copy of `hush run --fallback FILE`: after every good fetch, the fetched
 * secrets are written encrypted (AES-256-GCM, key = scrypt(passphrase, random salt)), with the
 * time of the fetch inside the ciphertext, to a 0600 file. When the server cannot be reached,
 * `hush run` may use it, with a warning naming its age, if it is not older than
 * `--fallback-max-age`. It is never used when the server answered (403 or any other error).
 *
 * File format (JSON): `{ "hush_fallback": 1, "kdf": { "name": "scrypt", "N", "r", "p", "salt" },
 * "iv", "tag", "ciphertext" }`, binary fields in base64; the header is authenticated as AAD.
 */
import type * as Crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HushError } from '../lib/errors.js';
import { writeSecretFile } from '../lib/secret-file.js';
import type { SecretData } from './kv-source.js';

/** Environment variable holding the passphrase. */
export const FALLBACK_KEY_ENV = 'HUSH_FALLBACK_KEY';

export interface FallbackSnapshot {
  /** When the data was fetched from the server. */
  readonly fetchedAt: Date;
  /** Fetched secrets by fetch key (`path` or `path?version=N`). */
  readonly entries: Readonly<Record<string, SecretData>>;
}

interface KdfParams {
  readonly name: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
}

interface FallbackFile {
  readonly hush_fallback: 1;
  readonly kdf: KdfParams;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

const KDF = { N: 1 << 15, r: 8, p: 1 } as const;

/** node:crypto is loaded only when a fallback copy is used: it is a large share of `hush run`'s start-up. */
const crypto = (): typeof Crypto => createRequire(import.meta.url)('node:crypto') as typeof Crypto;

function deriveKey(passphrase: string, kdf: KdfParams): Buffer {
  return crypto().scryptSync(passphrase, Buffer.from(kdf.salt, 'base64'), 32, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * kdf.N * kdf.r + 1024 * 1024,
  });
}

function aad(kdf: KdfParams): Buffer {
  return Buffer.from(JSON.stringify({ hush_fallback: 1, kdf }));
}

/** Writes `snapshot` to `file` (atomically: a 0600 temporary file renamed over it). */
export function writeFallback(file: string, passphrase: string, snapshot: FallbackSnapshot): void {
  const kdf: KdfParams = { name: 'scrypt', ...KDF, salt: crypto().randomBytes(16).toString('base64') };
  const key = deriveKey(passphrase, kdf);
  const iv = crypto().randomBytes(12);
  const cipher = crypto().createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(kdf));
  const plain = Buffer.from(JSON.stringify({ fetched_at: snapshot.fetchedAt.toISOString(), entries: snapshot.entries }));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  const body: FallbackFile = {
    hush_fallback: 1,
    kdf,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  try {
    writeSecretFile(file, `${JSON.stringify(body)}\n`);
  } catch (err) {
    throw new HushError('unavailable', `cannot write the fallback copy ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
}

/** Reads and decrypts `file`. Throws a HushError (no content in the message) when it cannot. */
export function readFallback(file: string, passphrase: string): FallbackSnapshot {
  let parsed: FallbackFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as FallbackFile;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HushError('unavailable', code === 'ENOENT' ? `no fallback copy at ${file}` : `cannot read the fallback copy ${file}`, {
      cause: err,
    });
  }
  if (parsed?.hush_fallback !== 1 || parsed.kdf?.name !== 'scrypt') {
    throw new HushError('unavailable', `${file} is not a hush fallback copy`);
  }
  try {
    const key = deriveKey(passphrase, parsed.kdf);
    const decipher = crypto().createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.iv, 'base64'));
    decipher.setAAD(aad(parsed.kdf));
    decipher.setAuthTag(Buffer.from(parsed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(parsed.ciphertext, 'base64')), decipher.final()]);
    const body = JSON.parse(plain.toString('utf8')) as { fetched_at: string; entries: Record<string, SecretData> };
    plain.fill(0);
    return { fetchedAt: new Date(body.fetched_at), entries: body.entries };
  } catch (err) {
    throw new HushError('unavailable', `cannot decrypt the fallback copy ${file} (wrong ${FALLBACK_KEY_ENV}, or the file was altered)`, {
      cause: err,
    });
  }
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `24h`, `90m`, `1h30m`, `7d`, `3600s` (or bare seconds) into milliseconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  if (t === '' || at !== t.length) throw new HushError('bad_request', `bad duration "${text}" (use e.g. 24h, 90m, 7d)`);
  return total;
}

/** `3h12m`, `45s`, `2d4h`: a readable age. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s % 60}s`;
  return `${s}s`;
}
