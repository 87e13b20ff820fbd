/**
 * @module Small decoders used by rule validators: CRC32, base62, base64/base64url. Written here so
 * the rules have no dependency beyond Node.
 */

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Standard CRC-32 (IEEE) of the UTF-8 bytes of `text`. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `value` in base62, left-padded with `0` to `width` characters. */
export function base62(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = BASE62_ALPHABET[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * Checks the GitHub-style checksum (also used by npm): the last 6 characters are the base62 CRC32
 * of the random part between the prefix and the checksum.
 */
export function hasCrc32Base62Checksum(token: string, prefixLength: number): boolean {
  const body = token.slice(prefixLength, -6);
  return body.length > 0 && base62(crc32(body), 6) === token.slice(-6);
}

/** Decodes base64 or base64url (padding optional); undefined when not valid base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const cleaned = text.replace(/\\n|\s/g, '');
  if (cleaned.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(cleaned)) return undefined;
  if (cleaned.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(cleaned.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Decodes base64 to text when every character is printable (tab/newline allowed). */
export function decodeBase64Text(text: string): string | undefined {
  const buf = decodeBase64(text);
  if (buf === undefined || buf.length === 0) return undefined;
  const str = buf.toString('utf8');
  if (str.includes('\uFFFD')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(str)) return undefined;
  return str;
}

/** Parses base64url JSON (a JWT segment); undefined when it is not a JSON object. */
export function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  const text = decodeBase64Text(segment);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
