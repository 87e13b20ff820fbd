/**
 * @module Requests a standby forwards to the active server (Vault's request forwarding), and how
 * the active server learns who the client was.
 *
 * The standby sends the request on as it came, with an `X-Hush-Forwarded` header: the client's
 * address, the time, a random nonce, and an HMAC-SHA256 over them and the request's operation
 * and path, under a key that every unsealed server of the cluster reads from the barrier. The
 * active server takes the client's address from a header whose HMAC checks out, which is under a
 * minute old and whose nonce it has not seen, and ignores any other: a client cannot claim
 * another address, and a header copied off the wire (plain HTTP between servers) cannot be sent
 * again, so CIDR bindings, lockouts and the audit log see the real one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header a standby adds (lower case, as Node presents headers). */
export const FORWARDED_HEADER = 'x-hush-forwarded';
/** Where the key lives in the barrier; the active server creates it. */
export const FORWARDING_KEY = 'core/forwarding-key';
/** How old a forwarded header may be (the servers' clocks may differ a little). */
const MAX_AGE_MS = 60_000;
/** Nonces remembered at most: beyond, headers are ignored until old ones expire (fail safe). */
const MAX_REMEMBERED = 200_000;
const HEX_MAC = /^[0-9a-f]{64}$/;
const SECONDS = /^\d{1,12}$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,128}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/** Where a standby sends a request: the active server's address and the header to add. */
export interface ForwardTarget {
  readonly address: string;
  readonly header: string;
}

export class ForwardingKey {
  readonly #key: Buffer;
  /** Nonces of the headers accepted, oldest first, with when each may be forgotten (a header is
   * refused by age before then). */
  readonly #seen = new Map<string, number>();

  constructor(key: Uint8Array) {
    this.#key = Buffer.from(key);
  }

  /** The header value vouching that `client` sent the request (`operation` on `path`). */
  sign(client: string, operation: string, path: string, nowMs: number): string {
    const seconds = String(Math.floor(nowMs / 1000));
    const address = Buffer.from(client, 'utf8').toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    return `${seconds}.${address}.${nonce}.${this.#mac(seconds, address, nonce, operation, path)}`;
  }

  /** The client's address from a header {@link sign} made for this request, recently, and not
   * presented before; else undefined. Never throws on input. */
  verify(value: string, operation: string, path: string, nowMs: number): string | undefined {
    const [seconds, address, nonce, mac, extra] = value.split('.');
    if (extra !== undefined || seconds === undefined || address === undefined || nonce === undefined || mac === undefined) return undefined;
    if (!SECONDS.test(seconds) || !BASE64URL.test(address) || !NONCE.test(nonce) || !HEX_MAC.test(mac)) return undefined;
    if (Math.abs(nowMs - Number(seconds) * 1000) > MAX_AGE_MS) return undefined;
    const expected = Buffer.from(this.#mac(seconds, address, nonce, operation, path), 'hex');
    if (!timingSafeEqual(Buffer.from(mac, 'hex'), expected)) return undefined;
    if (!this.#firstUse(nonce, nowMs)) return undefined;
    return Buffer.from(address, 'base64url').toString('utf8');
  }

  /** Records `nonce`; false when it was seen already (a replay) or too many are remembered. */
  #firstUse(nonce: string, nowMs: number): boolean {
    // Kept until no header of its age could still pass (its time may be a minute ahead of ours).
    for (const [old, forgetAt] of this.#seen) {
      if (forgetAt > nowMs) break;
      this.#seen.delete(old);
    }
    if (this.#seen.has(nonce) || this.#seen.size >= MAX_REMEMBERED) return false;
    this.#seen.set(nonce, nowMs + 2 * MAX_AGE_MS);
    return true;
  }

  /** The path comes last: it is the only field that may hold a newline. */
  #mac(seconds: string, address: string, nonce: string, operation: string, path: string): string {
    return createHmac('sha256', this.#key).update(`hush-forwarded-v2\n${operation}\n${seconds}\n${address}\n${nonce}\n${path}`).digest('hex');
  }
}
