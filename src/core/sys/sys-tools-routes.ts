/**
 * @module `sys/tools` (Vault's): random bytes from the system's CSPRNG (`sys/tools/random`, for
 * instance a Django `SECRET_KEY`: `hush write -f -field=random_bytes sys/tools/random/50`), and
 * hashes of given data (`sys/tools/hash`, which Vault's default policy allows). Both need a token
 * whose policy grants `update` on the path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HushError } from '../../lib/errors.js';
import { defineSysRoutes } from './sys-context.js';

/** Vault's cap on one request for random bytes from the platform with entropy augmentation. */
const MAX_RANDOM_BYTES = 128 * 1024;
/** Vault's algorithm names, and OpenSSL's for them. */
const HASHES: Readonly<Record<string, string>> = {
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha2-512/224': 'sha512-224',
  'sha2-512/256': 'sha512-256',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};
const SOURCES = new Set(['platform', 'all']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function encode(bytes: Buffer, format: unknown, fallback: 'hex' | 'base64'): string {
  const chosen = format === undefined || format === '' ? fallback : format;
  if (chosen !== 'hex' && chosen !== 'base64') throw new HushError('bad_request', `unsupported encoding format ${JSON.stringify(String(chosen))}; must be "hex" or "base64"`);
  return bytes.toString(chosen);
}

/** How many bytes `sys/tools/random(/:source)(/:bytes)` asks for (the URL's words, then the
 * body's fields), once the source is checked. */
function randomByteCount(data: Readonly<Record<string, unknown>>, first?: string, second?: string): number {
  let source = data.source ?? 'platform';
  let bytes = data.bytes ?? 32;
  if (first !== undefined && second !== undefined) [source, bytes] = [first, second];
  else if (first !== undefined && /^\d+$/.test(first)) bytes = first;
  else if (first !== undefined) source = first;
  if (typeof source !== 'string' || !SOURCES.has(source)) {
    throw new HushError('bad_request', 'unsupported entropy source: use "platform" (or "all", the same here)');
  }
  const n = typeof bytes === 'string' && /^\d+$/.test(bytes) ? Number(bytes) : bytes;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_RANDOM_BYTES) {
    throw new HushError('bad_request', `the number of bytes must be between 1 and ${MAX_RANDOM_BYTES}`);
  }
  return n;
}

export const toolsRoutes = defineSysRoutes([
  {
    pattern: /^tools\/random(?:\/(?<first>[^/]+))?(?:\/(?<second>[^/]+))?\/?$/,
    summary: "Random bytes from the system's CSPRNG (bytes, format hex or base64).",
    operations: {
      update: async ({ data }, { first, second }) => {
        return { data: { random_bytes: encode(randomBytes(randomByteCount(data, first, second)), data.format, 'base64') } };
      },
    },
  },
  {
    pattern: /^tools\/hash(?:\/(?<algorithm>[^/]+))?\/?$/,
    summary: 'The hash of base64-encoded input (SHA-2 or SHA-3; format hex or base64).',
    operations: {
      update: async ({ data }, { algorithm }) => {
        const name = algorithm ?? (data.algorithm === undefined || data.algorithm === '' ? 'sha2-256' : data.algorithm);
        const openssl = typeof name === 'string' ? HASHES[name] : undefined;
        if (openssl === undefined) throw new HushError('bad_request', `unsupported algorithm; use one of ${Object.keys(HASHES).join(', ')}`);
        const input = data.input;
        if (typeof input !== 'string' || input === '') throw new HushError('bad_request', 'missing input to hash (base64-encoded)');
        if (!BASE64.test(input.replace(/\s+/g, ''))) throw new HushError('bad_request', 'unable to decode input as base64');
        const sum = createHash(openssl).update(Buffer.from(input, 'base64')).digest();
        return { data: { sum: encode(sum, data.format, 'hex') } };
      },
    },
  },
]);
