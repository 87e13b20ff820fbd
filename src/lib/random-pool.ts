/**
 * @module Small random values (nonces, token and accessor characters, salts) from the system
 * CSPRNG, fetched 4 KiB at a time: one call into OpenSSL per many draws instead of one each, which
 * costs microseconds apiece (a syscall) on every login and every encryption. Each byte is handed
 * out once (the offset only moves forward) and zeroed in the pool as it goes, so the pool never
 * holds a value already given out.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** Draws larger than this go straight to the CSPRNG (keys and the like: rare). */
const MAX_POOLED_DRAW = 256;

const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** Fills `out[start, start + length)` with random bytes. */
export function fillRandom(out: Buffer, start = 0, length = out.length - start): void {
  if (length > MAX_POOLED_DRAW) {
    randomFillSync(out, start, length);
    return;
  }
  if (used + length > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  pool.copy(out, start, used, used + length);
  pool.fill(0, used, used + length);
  used += length;
}

/** `length` random bytes in a new buffer. */
export function randomBytesPooled(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  fillRandom(out);
  return out;
}
