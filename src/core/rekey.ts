/**
 * @module `sys/rekey`: new unseal shares (another number, another threshold) from a quorum of
 * the current holders, for when a holder leaves or a share may have leaked. The attempt names
 * the new configuration; holders submit their current shares with its nonce; at the current
 * threshold the barrier seals the root key under a new unseal key (`Barrier.rekey`) and the new
 * shares are returned, once, hex and base64. The data and its keys are untouched. The attempt
 * lives in memory and ends with a seal.
 *
 * With `pgp_keys` each new share is returned encrypted to its holder's key
 * (`pgp-recipients.ts`), and with `backup` those encrypted shares are also kept in the barrier
 * (`sys/rekey/backup`, Vault's), for when a holder loses theirs. With `require_verification` the
 * new shares take effect only once a quorum of their holders has given them back
 * (`sys/rekey/verify`): until then nothing is stored and the old shares keep unsealing, so a rekey
 * cannot lock everyone out when the new shares did not reach their holders.
 */
import { checkInitOptions } from '../barrier/barrier.js';
import type { Barrier, PendingRekey } from '../barrier/barrier.js';
import { HushError } from '../lib/errors.js';
import { ShareQuorum, sharesRequired } from './share-quorum.js';
import { encryptShares, pgpRecipients } from './pgp-recipients.js';
import type { PgpRecipient } from './pgp-recipients.js';

/** Where a rekey's PGP-encrypted shares are kept when a backup was asked for. */
export const REKEY_BACKUP_KEY = 'core/unseal-keys-backup';

/** What `sys/rekey/backup` answers: the rekey's nonce and its encrypted shares by key
 * fingerprint (one key may hold several shares), hex and base64. */
export interface RekeyBackup {
  readonly nonce: string;
  readonly keys: Record<string, string[]>;
  readonly keys_base64: Record<string, string[]>;
}

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
  /** The fingerprints of the keys the new shares go to, in order; null without PGP. */
  readonly pgp_fingerprints: readonly string[] | null;
  readonly backup: boolean;
  readonly verification_required: boolean;
}

/** The status body of `sys/rekey/verify`: the verification's nonce, the new configuration and
 * how many new shares have been given back. */
export interface RekeyVerificationStatus {
  readonly nonce: string;
  readonly started: boolean;
  readonly t: number;
  readonly n: number;
  readonly progress: number;
}

/** The answer to the share that completes a rekey. */
export interface RekeyResult {
  readonly nonce: string;
  readonly complete: true;
  readonly keys: string[];
  readonly keys_base64: string[];
  readonly pgp_fingerprints: readonly string[] | null;
  readonly backup: boolean;
  readonly verification_required: boolean;
  /** With verification: the nonce the holders give back their new shares with. */
  readonly verification_nonce: string;
}

/** A rekey waiting for its new shares to be given back (`require_verification`). */
interface Verification {
  readonly rekey: PendingRekey;
  quorum: ShareQuorum;
  /** The new shares as handed out, when PGP-encrypted (for the backup). */
  readonly encrypted: readonly Uint8Array[] | undefined;
}

interface Attempt {
  readonly quorum: ShareQuorum;
  readonly shares: number;
  readonly threshold: number;
  readonly recipients: readonly PgpRecipient[] | undefined;
  readonly backup: boolean;
  readonly verify: boolean;
  verification?: Verification;
}

/** A rekey to start: the new configuration, and where the new shares go. */
export interface RekeyOptions {
  readonly shares: number;
  readonly threshold: number;
  /** `pgp_keys` as given: one public key for each new share (`pgp-recipients.ts`), or none. */
  readonly pgpKeys?: unknown;
  readonly backup?: boolean;
  /** `require_verification`: the new shares take effect once given back. */
  readonly verify?: boolean;
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
      pgp_fingerprints: attempt?.recipients?.map((r) => r.fingerprint) ?? null,
      backup: attempt?.backup ?? false,
      verification_required: attempt?.verify ?? false,
    };
  }

  /** Starts an attempt for `shares` new shares with a `threshold` (checked as at init). */
  async start(options: RekeyOptions): Promise<RekeyStatus> {
    // The cheap refusals first: the route takes no token, and reading keys costs time.
    if (this.#attempt !== undefined) throw new HushError('bad_request', 'rekey already in progress');
    const config = checkInitOptions({ secretShares: options.shares, secretThreshold: options.threshold });
    const recipients = await pgpRecipients(options.pgpKeys, config.secret_shares, 'pgp_keys');
    if (options.backup === true && recipients === undefined) {
      throw new HushError('bad_request', 'a backup of the new shares needs pgp_keys to encrypt them with');
    }
    if (this.#attempt !== undefined) throw new HushError('bad_request', 'rekey already in progress'); // started meanwhile
    this.#attempt = {
      quorum: new ShareQuorum(),
      shares: config.secret_shares,
      threshold: config.secret_threshold,
      recipients,
      backup: options.backup === true,
      verify: options.verify === true,
    };
    return this.status();
  }

  /** Forgets the attempt and any share given (on cancel and on seal). */
  cancel(): void {
    const attempt = this.#attempt;
    attempt?.quorum.wipe();
    attempt?.verification?.quorum.wipe();
    attempt?.verification?.rekey.wipe();
    this.#attempt = undefined;
  }

  /** Adds one current share; at the threshold, rekeys and answers the new shares. */
  async update(share: Uint8Array, nonce: string): Promise<RekeyStatus | RekeyResult> {
    const attempt = this.#attempt;
    if (attempt === undefined) throw new HushError('bad_request', 'no rekey in progress');
    if (attempt.verification !== undefined) {
      throw new HushError('bad_request', 'the new keys are waiting for verification: give them back to sys/rekey/verify');
    }
    if (attempt.quorum.add(share, nonce) < (await sharesRequired(this.#barrier))) return this.status();
    if (attempt.verify) return this.#prepare(attempt);
    const recipients = attempt.recipients;
    let encrypted: Uint8Array[] | undefined;
    // With PGP the shares are encrypted before the rekey is stored (and the backup with it), so
    // that a failure leaves the old shares in force rather than new ones nobody received.
    const alongside = recipients === undefined ? undefined : async (shares: readonly Uint8Array[]) => {
      encrypted = await encryptShares(shares, recipients);
      return backupEntries(attempt, encrypted);
    };
    const rekeyed = await attempt.quorum.spend((shares) =>
      this.#barrier.rekey(shares, { secretShares: attempt.shares, secretThreshold: attempt.threshold }, alongside),
    );
    // done: shares sent meanwhile go too (unless this attempt was already replaced by another)
    attempt.quorum.wipe();
    if (this.#attempt === attempt) this.#attempt = undefined;
    try {
      this.#onRekeyed?.(rekeyed.shares.map((s) => Uint8Array.from(s)), attempt.threshold);
    } catch {
      // the rekey is stored: a listener's failure must not keep the new shares from the caller
    }
    const result = newSharesAnswer(attempt, encrypted ?? rekeyed.shares, undefined);
    for (const s of rekeyed.shares) s.fill(0);
    return result;
  }

  /** The quorum of current shares is there: makes the new shares, stores nothing yet. */
  async #prepare(attempt: Attempt): Promise<RekeyResult> {
    const config = { secretShares: attempt.shares, secretThreshold: attempt.threshold };
    const pending = await attempt.quorum.spend((shares) => this.#barrier.prepareRekey(shares, config));
    attempt.quorum.wipe();
    let encrypted: Uint8Array[] | undefined;
    try {
      if (attempt.recipients !== undefined) encrypted = await encryptShares(pending.shares, attempt.recipients);
    } catch (err) {
      pending.wipe();
      throw err;
    }
    const verification: Verification = { rekey: pending, quorum: new ShareQuorum(), encrypted };
    attempt.verification = verification;
    return newSharesAnswer(attempt, encrypted ?? pending.shares, verification.quorum.nonce);
  }

  verificationStatus(): RekeyVerificationStatus {
    const attempt = this.#attempt;
    const verification = attempt?.verification;
    return {
      nonce: verification?.quorum.nonce ?? '',
      started: verification !== undefined,
      t: verification === undefined ? 0 : (attempt?.threshold ?? 0),
      n: verification === undefined ? 0 : (attempt?.shares ?? 0),
      progress: verification?.quorum.progress ?? 0,
    };
  }

  /** Starts the verification over (a new nonce, no share given); the rekey itself stays. */
  cancelVerification(): RekeyVerificationStatus {
    const verification = this.#attempt?.verification;
    if (verification !== undefined) {
      verification.quorum.wipe();
      verification.quorum = new ShareQuorum();
    }
    return this.verificationStatus();
  }

  /** Adds one new share given back; at the new threshold, checks them and stores the rekey. */
  async verify(share: Uint8Array, nonce: string): Promise<RekeyVerificationStatus | { nonce: string; complete: true }> {
    const attempt = this.#attempt;
    const verification = attempt?.verification;
    if (attempt === undefined || verification === undefined) throw new HushError('bad_request', 'no rekey verification in progress');
    if (verification.quorum.add(share, nonce) < attempt.threshold) return this.verificationStatus();
    const given = await verification.quorum.spend(async (shares) =>
      verification.rekey.matches(shares) ? shares.map((s) => Uint8Array.from(s)) : undefined,
    );
    if (given === undefined) {
      throw new HushError('bad_request', 'the keys given back do not make the new key; verification progress was reset');
    }
    const encrypted = verification.encrypted;
    try {
      await verification.rekey.commit(encrypted === undefined ? undefined : async () => backupEntries(attempt, encrypted));
    } catch (err) {
      for (const s of given) s.fill(0);
      throw err;
    }
    verification.rekey.wipe();
    if (this.#attempt === attempt) this.#attempt = undefined;
    if (this.#onRekeyed === undefined) {
      for (const s of given) s.fill(0);
    } else {
      try {
        this.#onRekeyed(given, attempt.threshold); // a quorum of the new shares is all a listener needs
      } catch {
        // the rekey is stored: a listener's failure changes nothing for the caller
      }
    }
    return { nonce: verification.quorum.nonce, complete: true };
  }

  /** The encrypted shares the last rekey with `backup` kept; undefined when none are kept. */
  async readBackup(): Promise<RekeyBackup | undefined> {
    const stored = await this.#barrier.get(REKEY_BACKUP_KEY);
    return stored === undefined ? undefined : (JSON.parse(Buffer.from(stored).toString('utf8')) as RekeyBackup);
  }

  /** Forgets the kept shares (once every holder has confirmed theirs). */
  async deleteBackup(): Promise<void> {
    await this.#barrier.delete(REKEY_BACKUP_KEY);
  }
}

/** The answer that hands out the new shares (`given`: PGP-encrypted, or as they are), hex and
 * base64; with `verificationNonce` when they still have to be given back. */
function newSharesAnswer(attempt: Attempt, given: readonly Uint8Array[], verificationNonce: string | undefined): RekeyResult {
  return {
    nonce: attempt.quorum.nonce,
    complete: true,
    keys: given.map((s) => Buffer.from(s).toString('hex')),
    keys_base64: given.map((s) => Buffer.from(s).toString('base64')),
    pgp_fingerprints: attempt.recipients?.map((r) => r.fingerprint) ?? null,
    backup: attempt.backup,
    verification_required: verificationNonce !== undefined,
    verification_nonce: verificationNonce ?? '',
  };
}

/** The backup of `attempt`'s PGP-encrypted new shares to store with the rekey, if it asked for one. */
function backupEntries(attempt: Attempt, encrypted: readonly Uint8Array[]): Array<{ key: string; value: Uint8Array }> {
  const recipients = attempt.recipients;
  if (!attempt.backup || recipients === undefined) return [];
  return [{ key: REKEY_BACKUP_KEY, value: backupBytes(attempt.quorum.nonce, recipients, encrypted) }];
}

/** The stored form of a backup: the shares by the fingerprint of the key each went to. */
function backupBytes(nonce: string, recipients: readonly PgpRecipient[], encrypted: readonly Uint8Array[]): Uint8Array {
  const keys: Record<string, string[]> = {};
  const keysBase64: Record<string, string[]> = {};
  encrypted.forEach((share, i) => {
    const fingerprint = (recipients[i] as PgpRecipient).fingerprint;
    (keys[fingerprint] ??= []).push(Buffer.from(share).toString('hex'));
    (keysBase64[fingerprint] ??= []).push(Buffer.from(share).toString('base64'));
  });
  const backup: RekeyBackup = { nonce, keys, keys_base64: keysBase64 };
  return Buffer.from(JSON.stringify(backup), 'utf8');
}
