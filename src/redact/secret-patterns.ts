/**
 * @module Which byte strings a secret can show up as in a command's output: the value, each
 * line of a multi-line value, its base64 in the three alignments a value can have inside a
 * longer encoded string, its URL encoding and its JSON-escaped forms. The masker hides every one
 * of them. Patterns shorter than {@link MIN_SECRET_LENGTH} are never registered: masking two
 * letters would shred ordinary output without protecting anything.
 */

/** Values (and lines, and derived forms) shorter than this many characters are not masked. */
export const MIN_SECRET_LENGTH = 4;

/**
 * The stable part of the base64 of `bytes` when they start on a 3-byte group boundary: only the
 * characters that depend on `bytes` alone. Of `n` bytes, `floor(4n / 3)` characters are fully
 * determined; the next one mixes in bits of whatever follows the value, and `=` padding is
 * only there when nothing follows, so neither is part of the pattern.
 */
function stableBase64(bytes: Buffer): string {
  return bytes.toString('base64').slice(0, Math.floor((bytes.length * 4) / 3));
}

/**
 * The base64 forms of a value. A value embedded in a longer string that gets base64-encoded
 * (`base64("user:" + password)`) starts at offset 0, 1 or 2 of a 3-byte group. At offset 0 the
 * value's own encoding appears; at offset 2 its first byte shares a group with the prefix, so
 * the encoding of the value minus 1 byte appears; at offset 1, minus 2 bytes. Each is cut to its
 * stable characters. The full, padded encoding is added too so that `base64(value)` printed on
 * its own is hidden whole.
 */
export function base64Forms(bytes: Buffer): string[] {
  const forms = [bytes.toString('base64')];
  for (let drop = 0; drop <= 2 && drop < bytes.length; drop++) forms.push(stableBase64(bytes.subarray(drop)));
  return forms;
}

/** JSON string content with non-ASCII escaped as `\uXXXX` (Python's `json.dumps` default). */
function jsonAsciiEscape(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The textual forms of one value or line: itself, URL-encoded, JSON-escaped (two styles). */
function textForms(value: string): string[] {
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), jsonAsciiEscape(value)];
  return forms.filter((f, i) => i === 0 || f !== value);
}

function longEnough(value: string): boolean {
  let n = 0;
  for (const _ of value) if (++n >= MIN_SECRET_LENGTH) return true;
  return false;
}

/**
 * Every byte pattern to mask for `secrets`, deduplicated. The values themselves are only held in
 * memory here and in the automaton; nothing is logged.
 */
/**
 * The passwords inside URL-shaped values (`postgres://app:PW@db/…`, `redis://:PW@cache`), as
 * written and percent-decoded: a program that parses `DATABASE_URL` prints the password alone
 * (Django's `settings.DATABASES`), which masking the whole URL would not catch.
 */
export function urlPasswords(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]*:([^\s/@]+)@/gi)) {
    const raw = m[1]!;
    out.push(raw);
    try {
      const decoded = decodeURIComponent(raw);
      if (decoded !== raw) out.push(decoded);
    } catch {
      // not valid percent-encoding: the raw form is all there is
    }
  }
  return out;
}

export function secretPatterns(secrets: Iterable<string>): Buffer[] {
  const out = new Map<string, Buffer>();
  const add = (text: string): void => {
    if (!longEnough(text)) return;
    const bytes = Buffer.from(text, 'utf8');
    out.set(bytes.toString('latin1'), bytes);
  };
  for (const secret of secrets) {
    if (!longEnough(secret)) continue;
    const units = new Set([secret]);
    const lines = secret.split(/\r?\n/);
    if (lines.length > 1) for (const line of lines) if (longEnough(line)) units.add(line);
    for (const password of urlPasswords(secret)) if (longEnough(password)) units.add(password);
    for (const unit of units) {
      for (const form of textForms(unit)) add(form);
      for (const form of base64Forms(Buffer.from(unit, 'utf8'))) add(form);
    }
  }
  return [...out.values()];
}
