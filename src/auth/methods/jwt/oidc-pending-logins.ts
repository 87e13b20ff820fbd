/**
 * @module The OIDC browser logins a mount has started and not finished: what `oidc/auth_url`
 * promised (role, redirect URI, the ID token's nonce, the PKCE verifier, the client's nonce),
 * by the random `state` the provider hands back. A state is good once and for ten minutes, as
 * in Vault. Kept in memory only (as Vault does): a restart or a seal ends the logins under way,
 * and the user starts again. Bounded, because `oidc/auth_url` needs no token: past the bound,
 * new logins are refused until older ones finish or expire, never the older ones dropped.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
}

/** What a login gets: a state for the provider and the values the URL carries. */
export interface StartedOidcLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
}

/** Vault's lifetime of an OIDC login request. */
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;
/** How many logins may be under way at once per mount. */
export const MAX_PENDING_LOGINS = 10_000;

/** 32 random bytes, base64url: 256 bits, the most PKCE allows a verifier to need. */
const randomToken = () => randomBytes(32).toString('base64url');

export class PendingOidcLogins {
  readonly #byState = new Map<string, PendingOidcLogin>();
  readonly #now: () => number;
  readonly #max: number;

  constructor(now: () => number, max = MAX_PENDING_LOGINS) {
    this.#now = now;
    this.#max = max;
  }

  /** Records a new login; undefined when too many are under way. */
  start(role: string, redirectUri: string, clientNonce: string): StartedOidcLogin | undefined {
    if (this.#byState.size >= this.#max) this.#forgetExpired();
    if (this.#byState.size >= this.#max) return undefined;
    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = randomToken();
    this.#byState.set(state, { role, redirectUri, nonce, codeVerifier, clientNonce, expiresAt: this.#now() + PENDING_LOGIN_TTL_MS });
    return { state, nonce, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url') };
  }

  /** The login `state` names, removed (a state is good once); undefined when unknown or expired. */
  take(state: string): PendingOidcLogin | undefined {
    const login = this.#byState.get(state);
    if (login === undefined) return undefined;
    this.#byState.delete(state);
    return login.expiresAt > this.#now() ? login : undefined;
  }

  get size(): number {
    return this.#byState.size;
  }

  #forgetExpired(): void {
    const now = this.#now();
    for (const [state, login] of this.#byState) if (login.expiresAt <= now) this.#byState.delete(state);
  }
}

/** Compares two values a client sends back (nonces) in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
