/**
 * @module Requests a standby forwards to the active server (Vault's request forwarding), and how
 * the active server learns who the client was.
 *
 * The standby sends the request on as it came, with an `X-Hush-Forwarded` header: the client's
 * address, the time, and an HMAC-SHA256 over them and the request's operation and path, under a
 * key that every unsealed server of the cluster reads from the barrier. The active server takes
 * the client's address from a header whose HMAC checks out and which is under a minute old, and
 * ignores any other: a client cannot claim another address, so CIDR bindings, lockouts and the
 * audit log see the real one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a standby adds (lower case, as Node presents headers). */
export const FORWARDED_HEADER = 'x-hush-forwarded';
/** Where the key lives in the barrier; the active server creates it. */
export const FORWARDING_KEY = 'core/forwarding-key';
/** How old a forwarded header may be (the servers' clocks may differ a little). */
const MAX_AGE_MS = 60_000;
const HEX_MAC = /^[0-9a-f]{64}$/;
const SECONDS = /^\d{1,12}$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,128}$/;

/** Where a standby sends a request: the active server's address and the header to add. */
export interface ForwardTarget {
  readonly address: string;
  readonly header: string;
}

export class ForwardingKey {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    this.#key = Buffer.from(key);
  }

  /** The header value vouching that `client` sent the request (`operation` on `path`). */
  sign(client: string, operation: string, path: string, nowMs: number): string {
    const seconds = String(Math.floor(nowMs / 1000));
    const address = Buffer.from(client, 'utf8').toString('base64url');
    return `${seconds}.${address}.${this.#mac(seconds, address, operation, path)}`;
  }

  /** The client's address from a header {@link sign} made for this request, recently; else
   * undefined. Never throws on input. */
  verify(value: string, operation: string, path: string, nowMs: number): string | undefined {
    const [seconds, address, mac, extra] = value.split('.');
    if (extra !== undefined || seconds === undefined || address === undefined || mac === undefined) return undefined;
    if (!SECONDS.test(seconds) || !BASE64URL.test(address) || !HEX_MAC.test(mac)) return undefined;
    if (Math.abs(nowMs - Number(seconds) * 1000) > MAX_AGE_MS) return undefined;
    const expected = Buffer.from(this.#mac(seconds, address, operation, path), 'hex');
    if (!timingSafeEqual(Buffer.from(mac, 'hex'), expected)) return undefined;
    return Buffer.from(address, 'base64url').toString('utf8');
  }

  /** The path comes last: it is the only field that may hold a newline. */
  #mac(seconds: string, address: string, operation: string, path: string): string {
    return createHmac('sha256', this.#key).update(`hush-forwarded-v1\n${operation}\n${seconds}\n${address}\n${path}`).digest('hex');
  }
}
