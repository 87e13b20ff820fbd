/**
 * @module The storage IDs of the tokens callers present, remembered by the SHA-256 of the token,
 * so that a request made with a token seen recently skips the HMAC that derives its ID. With
 * Node's createHmac, set up anew at every call, that saved 21 us of main-thread CPU per audited
 * read (eight alternating bench runs: a median of 205 against 226 us); the HMAC now costs two
 * one-shot SHA-256 passes (`lib/hmac-sha256.ts`), so the saving is one of them.
 *
 * What this keeps in memory is digests, never a token. A generated token carries 190 random
 * bits, so its digest cannot be reversed; a custom ID such as the dev root token's `root` can be
 * guessed from its digest, exactly as from its HMAC under the key this process holds anyway. The
 * oldest digest is forgotten first once `limit` are kept; an ID never goes stale (it is a pure
 * function of the token), and a revoked token's ID simply finds no entry.
 */
import { sha256Hex } from '../lib/sha256.js';

export class PresentedTokenIds {
  readonly #ids = new Map<string, string>();
  readonly #limit: number;
  readonly #storageId: (token: string) => string;

  /** @param storageId derives a token's storage ID (the token store's keyed hash) */
  constructor(limit: number, storageId: (token: string) => string) {
    this.#limit = limit;
    this.#storageId = storageId;
  }

  /** The storage ID of `token`, derived once per token while it is remembered. */
  idOf(token: string): string {
    const digest = sha256Hex(token);
    let id = this.#ids.get(digest);
    if (id === undefined) {
      id = this.#storageId(token);
      if (this.#ids.size >= this.#limit) this.#ids.delete(this.#ids.keys().next().value as string);
      this.#ids.set(digest, id);
    }
    return id;
  }

  get size(): number {
    return this.#ids.size;
  }
}
