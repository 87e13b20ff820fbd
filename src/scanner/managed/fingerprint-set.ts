/**
 * @module The fingerprints of managed secrets that `hush scan --server` compares scanned text
 * with: what the server's `sys/hush/secret-fingerprints` answers, checked and reduced to the
 * plain, serialisable {@link ManagedFingerprintData} that worker threads receive in their
 * engine spec. It holds HMACs and the request's HMAC key, never a value, and is never written
 * to disk (not even the history cache, which `--server` scans bypass).
 */

/** A managed secret a finding matched: where it lives in Hush. No value. */
export interface ManagedSecretRef {
  /** Mount path with trailing slash, e.g. `secret/`. */
  readonly mount: string;
  /** Path below the mount, e.g. `myapp/db`. */
  readonly path: string;
  /** Key inside the secret, e.g. `password`. */
  readonly key: string;
  /** KV v2 version holding the value (the newest that does); 0 for KV v1. */
  readonly version: number;
  /** The secret's current version when fetched; equal to `version` when the leaked value is live. */
  readonly currentVersion: number;
}

/** One fingerprinted form of one managed value. */
export interface ManagedForm {
  /** `plain`, `base64`, `base64-unpadded`, `base64url`, `url` or `json`. */
  readonly encoding: string;
  readonly length: number;
  /** Hex HMAC-SHA256 of the form's UTF-8 bytes under {@link ManagedFingerprintData.hmacKey}. */
  readonly hmac: string;
}

export interface ManagedFingerprintEntry extends ManagedSecretRef {
  readonly forms: readonly ManagedForm[];
}

/** Everything the detector needs; structured-clone safe (goes to worker threads). */
export interface ManagedFingerprintData {
  /** Base64 of the per-request HMAC key. */
  readonly hmacKey: string;
  readonly entries: readonly ManagedFingerprintEntry[];
}

/** What the server said besides the fingerprints, for the command's summary line. */
export interface FingerprintSummary {
  readonly secrets: number;
  readonly values: number;
  readonly truncated: boolean;
  readonly unlistableFolders: number;
  readonly unreadableSecrets: number;
}

/** Thrown when the answer is not what a Hush server sends. */
export class FingerprintFormatError extends Error {
  override readonly name = 'FingerprintFormatError';
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Checks the `data` of a `sys/hush/secret-fingerprints` answer and keeps what the scan needs. */
export function parseFingerprintAnswer(data: unknown): { data: ManagedFingerprintData; summary: FingerprintSummary } {
  const bad = (what: string) => new FingerprintFormatError(`unexpected answer from sys/hush/secret-fingerprints: ${what}`);
  if (data === null || typeof data !== 'object') throw bad('no data');
  const d = data as Record<string, unknown>;
  if (d['algorithm'] !== 'hmac-sha256') throw bad('unknown algorithm');
  const key = d['hmac_key'];
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length < 16) throw bad('no usable hmac_key');
  const list = d['fingerprints'];
  if (!Array.isArray(list)) throw bad('no fingerprints list');
  const entries: ManagedFingerprintEntry[] = list.map((raw: unknown) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const forms = e['forms'];
    if (!isText(e['mount']) || !isText(e['path']) || !isText(e['key']) || !isInt(e['version']) || !isInt(e['current_version']) || !Array.isArray(forms)) {
      throw bad('malformed fingerprint entry');
    }
    return {
      mount: e['mount'],
      path: e['path'],
      key: e['key'],
      version: e['version'],
      currentVersion: e['current_version'],
      forms: forms.map((f: unknown) => {
        const form = (f ?? {}) as Record<string, unknown>;
        if (!isText(form['encoding']) || !isInt(form['length']) || typeof form['hmac'] !== 'string' || !HEX_SHA256.test(form['hmac'])) {
          throw bad('malformed fingerprint form');
        }
        return { encoding: form['encoding'], length: form['length'], hmac: form['hmac'] };
      }),
    };
  });
  const skipped = (d['skipped'] ?? {}) as Record<string, unknown>;
  return {
    data: { hmacKey: key, entries },
    summary: {
      secrets: isInt(d['secrets']) ? d['secrets'] : 0,
      values: entries.length,
      truncated: d['truncated'] === true,
      unlistableFolders: isInt(skipped['unlistable_folders']) ? skipped['unlistable_folders'] : 0,
      unreadableSecrets: isInt(skipped['unreadable_secrets']) ? skipped['unreadable_secrets'] : 0,
    },
  };
}

/** `secret/myapp/db` — how findings and messages name a managed secret. */
export function managedName(ref: Pick<ManagedSecretRef, 'mount' | 'path'>): string {
  return `${ref.mount}${ref.path}`;
}

/** `secret/myapp/db "password" (version 5, current)` */
export function describeRef(ref: ManagedSecretRef): string {
  const state =
    ref.version === 0 ? 'KV v1' : ref.version === ref.currentVersion ? `version ${ref.version}, current` : `version ${ref.version}, current is ${ref.currentVersion}`;
  return `${managedName(ref)} "${ref.key}" (${state})`;
}
