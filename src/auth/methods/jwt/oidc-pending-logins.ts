/**
 * @module The OIDC browser logins a mount has started and not finished: what `oidc/auth_url`
 * promised (role, redirect URI, the ID token's nonce, the PKCE verifier, the client's nonce),
 * by the random `state` the provider hands back. A state is good once and for ten minutes, as
 * in Vault. Kept in memory only (as Vault does): a restart or a seal ends the logins under way,
 * and the user starts again. Bounded, because `oidc/auth_url` needs no token: past the bound,
 * new logins are refused until older ones finish or expire, never the older ones dropped; and
 * one source address may hold only a share of it, so that one client cannot fill it for all.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface PendingOidcLogin {
  readonly role: string;
  readonly redirectUri: string;
  /** The `nonce` the ID token must carry. */
  readonly nonce: string;
  /** PKCE (RFC 7636): the verifier whose S256 challenge went into the authorization URL. */
  readonly codeVerifier: string;
  /** The client's own nonce from `auth_url` ('' when it gave none), required again at callback. */
  readonly clientNonce: string;
  readonly expiresAt: number;
  /** The address that started it (for the per-address bound). */
  readonly from: string;
}

/** What a login gets: a state for the provider and the values the URL carries. */
export interface StartedOidcLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
}

/** Vault's lifetime of an OIDC login request. */
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;
/** How many logins may be under way at once per mount, and from one source address. */
export const MAX_PENDING_LOGINS = 10_000;
export const MAX_PENDING_PER_ADDRESS = 200;

/** 32 random bytes, base64url: 256 bits, the most PKCE allows a verifier to need. */
const randomToken = () => randomBytes(32).toString('base64url');

export class PendingOidcLogins {
  readonly #byState = new Map<string, PendingOidcLogin>();
  /** Logins under way by the address that started them. */
  readonly #byAddress = new Map<string, number>();
  readonly #now: () => number;
  readonly #max: number;
  readonly #maxPerAddress: number;

  constructor(now: () => number, max = MAX_PENDING_LOGINS, maxPerAddress = MAX_PENDING_PER_ADDRESS) {
    this.#now = now;
    this.#max = max;
    this.#maxPerAddress = maxPerAddress;
  }

  /** Records a new login from `from`; undefined when too many are under way (in all, or from it). */
  start(role: string, redirectUri: string, clientNonce: string, from: string): StartedOidcLogin | undefined {
    const full = () => this.#byState.size >= this.#max || (this.#byAddress.get(from) ?? 0) >= this.#maxPerAddress;
    if (full()) this.#forgetExpired();
    if (full()) return undefined;
    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = randomToken();
    this.#byState.set(state, { role, redirectUri, nonce, codeVerifier, clientNonce, from, expiresAt: this.#now() + PENDING_LOGIN_TTL_MS });
    this.#byAddress.set(from, (this.#byAddress.get(from) ?? 0) + 1);
    return { state, nonce, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url') };
  }

  /** The login `state` names, removed (a state is good once); undefined when unknown or expired. */
  take(state: string): PendingOidcLogin | undefined {
    const login = this.#byState.get(state);
    if (login === undefined) return undefined;
    this.#forget(state, login);
    return login.expiresAt > this.#now() ? login : undefined;
  }

  get size(): number {
    return this.#byState.size;
  }

  #forget(state: string, login: PendingOidcLogin): void {
    this.#byState.delete(state);
    const left = (this.#byAddress.get(login.from) ?? 1) - 1;
    if (left > 0) this.#byAddress.set(login.from, left);
    else this.#byAddress.delete(login.from);
  }

  #forgetExpired(): void {
    const now = this.#now();
    for (const [state, login] of this.#byState) if (login.expiresAt <= now) this.#forget(state, login);
  }
}
