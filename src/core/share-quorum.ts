/**
 * @module Unseal shares gathered from several holders for one operation (`sys/generate-root`,
 * `sys/rekey`): the attempt has a nonce each holder gives back, a share counts once, and the
 * shares are zeroed as soon as the operation has used them or the attempt ends.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Barrier } from '../barrier/barrier.js';
import { HushError } from '../lib/errors.js';

/** How many current shares make a quorum: the barrier's unseal threshold (0 before init). */
export async function sharesRequired(barrier: Barrier): Promise<number> {
  return (await barrier.sealConfig())?.secret_threshold ?? 0;
}

export class ShareQuorum {
  readonly nonce = randomUUID();
  #shares: Uint8Array[] = [];

  get progress(): number {
    return this.#shares.length;
  }

  /** Adds a copy of `share`; throws `bad_request` for another attempt's nonce or a share given
   * before. Resolves to the progress. */
  add(share: Uint8Array, nonce: string): number {
    if (nonce !== this.nonce) throw new HushError('bad_request', 'incorrect nonce');
    if (this.#shares.some((given) => given.length === share.length && timingSafeEqual(given, share))) {
      throw new HushError('bad_request', 'given key has already been provided during this operation');
    }
    this.#shares.push(Uint8Array.from(share));
    return this.#shares.length;
  }

  /** Runs `use` with the shares gathered, then zeroes and forgets them, whatever `use` does. */
  async spend<T>(use: (shares: readonly Uint8Array[]) => Promise<T>): Promise<T> {
    const shares = this.#shares;
    this.#shares = [];
    try {
      return await use(shares);
    } finally {
      for (const share of shares) share.fill(0);
    }
  }

  /** Zeroes and forgets the shares (the attempt is cancelled, or the server seals). */
  wipe(): void {
    for (const share of this.#shares) share.fill(0);
    this.#shares = [];
  }
}
