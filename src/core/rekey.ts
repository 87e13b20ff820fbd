/**
 * @module `sys/rekey`: new unseal shares (another number, another threshold) from a quorum of
 * the current holders, for when a holder leaves or a share may have leaked. The attempt names
 * the new configuration; holders submit their current shares with its nonce; at the current
 * threshold the barrier seals the root key under a new unseal key (`Barrier.rekey`) and the new
 * shares are returned, once, hex and base64. The data and its keys are untouched. The attempt
 * lives in memory and ends with a seal. PGP-encrypted shares, backups and verification are not
 * supported.
 */
import { checkInitOptions } from '../barrier/barrier.js';
import type { Barrier } from '../barrier/barrier.js';
import { HushError } from '../lib/errors.js';
import { ShareQuorum, sharesRequired } from './share-quorum.js';

/** The status body of `sys/rekey/init` and `sys/rekey/update` (Vault's fields). */
export interface RekeyStatus {
  readonly nonce: string;
  readonly started: boolean;
  /** The new threshold and number of shares. */
  readonly t: number;
  readonly n: number;
  readonly progress: number;
  /** Current shares needed. */
  readonly required: number;
  readonly pgp_fingerprints: null;
  readonly backup: false;
  readonly verification_required: false;
}

/** The answer to the share that completes a rekey. */
export interface RekeyResult {
  readonly nonce: string;
  readonly complete: true;
  readonly keys: string[];
  readonly keys_base64: string[];
  readonly pgp_fingerprints: null;
  readonly backup: false;
  readonly verification_required: false;
  readonly verification_nonce: '';
}

interface Attempt {
  readonly quorum: ShareQuorum;
  readonly shares: number;
  readonly threshold: number;
}

/** Told of a completed rekey: the new shares (the listener's own copies) and their threshold. */
export type RekeyListener = (shares: readonly Uint8Array[], threshold: number) => void;

export class Rekey {
  readonly #barrier: Barrier;
  readonly #onRekeyed: RekeyListener | undefined;
  #attempt: Attempt | undefined;

  /** @param onRekeyed told of the new shares (copies) and threshold once a rekey is stored */
  constructor(barrier: Barrier, onRekeyed?: RekeyListener) {
    this.#barrier = barrier;
    this.#onRekeyed = onRekeyed;
  }

  async status(): Promise<RekeyStatus> {
    const attempt = this.#attempt;
    return {
      nonce: attempt?.quorum.nonce ?? '',
      started: attempt !== undefined,
      t: attempt?.threshold ?? 0,
      n: attempt?.shares ?? 0,
      progress: attempt?.quorum.progress ?? 0,
      required: await sharesRequired(this.#barrier),
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    };
  }

  /** Starts an attempt for `shares` new shares with a `threshold` (checked as at init). */
  async start(options: { readonly shares: number; readonly threshold: number }): Promise<RekeyStatus> {
    if (this.#attempt !== undefined) throw new HushError('bad_request', 'rekey already in progress');
    const config = checkInitOptions({ secretShares: options.shares, secretThreshold: options.threshold });
    this.#attempt = { quorum: new ShareQuorum(), shares: config.secret_shares, threshold: config.secret_threshold };
    return this.status();
  }

  /** Forgets the attempt and any share given (on cancel and on seal). */
  cancel(): void {
    this.#attempt?.quorum.wipe();
    this.#attempt = undefined;
  }

  /** Adds one current share; at the threshold, rekeys and answers the new shares. */
  async update(share: Uint8Array, nonce: string): Promise<RekeyStatus | RekeyResult> {
    const attempt = this.#attempt;
    if (attempt === undefined) throw new HushError('bad_request', 'no rekey in progress');
    if (attempt.quorum.add(share, nonce) < (await sharesRequired(this.#barrier))) return this.status();
    const rekeyed = await attempt.quorum.spend((shares) =>
      this.#barrier.rekey(shares, { secretShares: attempt.shares, secretThreshold: attempt.threshold }),
    );
    // done: shares sent meanwhile go too (unless this attempt was already replaced by another)
    attempt.quorum.wipe();
    if (this.#attempt === attempt) this.#attempt = undefined;
    try {
      this.#onRekeyed?.(rekeyed.shares.map((s) => Uint8Array.from(s)), attempt.threshold);
    } catch {
      // the rekey is stored: a listener's failure must not keep the new shares from the caller
    }
    const keys = rekeyed.shares.map((s) => Buffer.from(s).toString('hex'));
    const keysBase64 = rekeyed.shares.map((s) => Buffer.from(s).toString('base64'));
    for (const s of rekeyed.shares) s.fill(0);
    return {
      nonce: attempt.quorum.nonce,
      complete: true,
      keys,
      keys_base64: keysBase64,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
      verification_nonce: '',
    };
  }
}
