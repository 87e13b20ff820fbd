/**
 * @module `sys/generate-root`: a new root token from a quorum of unseal-share holders, so that no
 * root token needs to be kept after set-up (Vault's advice: revoke it, generate one when needed).
 *
 * Vault's protocol with a one-time password: the attempt starts with an OTP as long as a token
 * (the caller's, or one the server makes and returns once); each holder then submits a share with
 * the attempt's nonce; when the threshold is reached and the shares open the barrier, a root token
 * is created and returned only XORed with the OTP, base64-encoded without padding
 * (`encoded_token`), which whoever holds the OTP decodes (`hush|vault operator generate-root
 * -decode`). With a PGP key instead of an OTP (`pgp_key`), the token is returned encrypted to that
 * key, base64-encoded, for its holder to open (`base64 -d | gpg -dq`). The attempt lives in
 * memory and ends with a seal.
 */
import type { Barrier } from '../barrier/barrier.js';
import { HushError } from '../lib/errors.js';
import { GENERATED_TOKEN_LENGTH, randomBase62 } from '../auth/token-format.js';
import { encodeRootToken } from '../lib/root-token-otp.js';
import { ShareQuorum, sharesRequired } from './share-quorum.js';
import type { TokenStore } from '../auth/token-types.js';
import { encryptToken, optionalPgpRecipient } from './pgp-recipients.js';
import type { PgpRecipient } from './pgp-recipients.js';

/** The status body of `sys/generate-root/attempt` and `update` (Vault's fields). */
export interface RootGenerationStatus {
  readonly started: boolean;
  readonly nonce: string;
  readonly progress: number;
  readonly required: number;
  readonly encoded_token: string;
  readonly encoded_root_token: string;
  readonly pgp_fingerprint: string;
  /** The OTP the server made for this attempt: only in the answer that starts it. */
  readonly otp: string;
  readonly otp_length: number;
  readonly complete: boolean;
}

interface Attempt {
  readonly quorum: ShareQuorum;
  /** What the token is returned under: XORed with an OTP, or encrypted to a PGP key. */
  readonly otp: string;
  readonly recipient: PgpRecipient | undefined;
}

export class RootGeneration {
  readonly #barrier: Barrier;
  readonly #tokens: TokenStore;
  #attempt: Attempt | undefined;

  constructor(barrier: Barrier, tokens: TokenStore) {
    this.#barrier = barrier;
    this.#tokens = tokens;
  }

  async status(): Promise<RootGenerationStatus> {
    return this.#status({});
  }

  /** Starts an attempt with `otp`, with a PGP key (`pgp_key` as given), or with an OTP made here
   * and returned in this answer. */
  async start(options: { readonly otp?: string; readonly pgpKey?: unknown }): Promise<RootGenerationStatus> {
    if (this.#attempt !== undefined) throw new HushError('bad_request', 'root generation already in progress');
    const given = options.otp ?? '';
    const recipient = await optionalPgpRecipient(options.pgpKey, 'pgp_key');
    if (this.#attempt !== undefined) throw new HushError('bad_request', 'root generation already in progress'); // started meanwhile
    if (recipient !== undefined) {
      if (given !== '') throw new HushError('bad_request', 'give either an OTP or a PGP key, not both');
      this.#attempt = { quorum: new ShareQuorum(), otp: '', recipient };
      return this.#status({});
    }
    if (given !== '' && given.length !== GENERATED_TOKEN_LENGTH) {
      throw new HushError('bad_request', `OTP string is wrong length: it must be ${GENERATED_TOKEN_LENGTH} characters`);
    }
    if (!/^[\x21-\x7e]*$/.test(given)) throw new HushError('bad_request', 'the OTP must be printable ASCII');
    const otp = given === '' ? randomBase62(GENERATED_TOKEN_LENGTH) : given;
    this.#attempt = { quorum: new ShareQuorum(), otp, recipient: undefined };
    return this.#status({ otp: given === '' ? otp : '' });
  }

  /** Forgets the attempt and any share given (on cancel and on seal). */
  cancel(): void {
    this.#attempt?.quorum.wipe();
    this.#attempt = undefined;
  }

  /** Adds one share; at the threshold, checks the shares and answers the encoded root token. */
  async update(share: Uint8Array, nonce: string): Promise<RootGenerationStatus> {
    const attempt = this.#attempt;
    if (attempt === undefined) throw new HushError('bad_request', 'no root generation in progress');
    if (attempt.quorum.add(share, nonce) < (await sharesRequired(this.#barrier))) return this.#status({});
    if (!(await attempt.quorum.spend((shares) => this.#barrier.opensWith(shares)))) {
      throw new HushError('bad_request', 'the unseal keys given do not open this vault; root generation progress was reset');
    }
    const { token, entry } = await this.#tokens.create({ policies: ['root'], path: 'auth/token/root', displayName: 'root', orphan: true });
    let encoded: string;
    try {
      encoded = attempt.recipient ? await encryptToken(token, attempt.recipient) : encodeRootToken(token, attempt.otp);
    } catch (err) {
      await this.#tokens.revoke(entry); // a root token nobody received must not stay valid
      throw err;
    }
    // done: shares sent meanwhile go too (unless this attempt was already replaced by another)
    attempt.quorum.wipe();
    if (this.#attempt === attempt) this.#attempt = undefined;
    return { ...(await this.#status({})), nonce: attempt.quorum.nonce, encoded_token: encoded, encoded_root_token: encoded, complete: true };
  }

  async #status(extra: { readonly otp?: string }): Promise<RootGenerationStatus> {
    const attempt = this.#attempt;
    return {
      started: attempt !== undefined,
      nonce: attempt?.quorum.nonce ?? '',
      progress: attempt?.quorum.progress ?? 0,
      required: await sharesRequired(this.#barrier),
      encoded_token: '',
      encoded_root_token: '',
      pgp_fingerprint: attempt?.recipient?.fingerprint ?? '',
      otp: extra.otp ?? '',
      otp_length: GENERATED_TOKEN_LENGTH,
      complete: false,
    };
  }
}
