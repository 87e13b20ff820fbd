/**
 * @module The checks a verified token's claims must pass for a role, with Vault's rules:
 * issuer, expiry / not-before / issued-at with leeway, audience (a token with `aud` needs a role
 * with `bound_audiences`), `bound_subject`, `bound_claims` (string or glob, any-of), the user
 * claim, and `claim_mappings` into metadata. Errors name the claim, never the token's value.
 */
import { badRequest } from '../../../lib/errors.js';
import { globMatch } from '../../../lib/star-glob.js';
import type { BoundClaimValue, JwtRole } from './jwt-role.js';

export type Claims = Readonly<Record<string, unknown>>;

const fail = (reason: string) => badRequest(`error validating token: ${reason}`);

/** A claim by name, or by JSON pointer (`/a/b`) for nested claims. */
export function getClaim(claims: Claims, name: string, pointer = name.startsWith('/')): unknown {
  if (!pointer) return claims[name];
  let current: unknown = claims;
  for (const raw of name.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = Array.isArray(current) ? current[Number(part)] : (current as Record<string, unknown>)[part];
  }
  return current;
}

const leewaySeconds = (value: number, fallback: number) => (value === -1 ? 0 : value === 0 ? fallback : value);

/** exp, nbf and iat against `nowMs`, with the role's leeways (Vault's defaults 60 / 150 / 150). */
export function checkTimes(claims: Claims, role: JwtRole, nowMs: number): void {
  const now = nowMs / 1000;
  const skew = leewaySeconds(role.clock_skew_leeway, 60);
  const numeric = (name: string): number | undefined => {
    const v = claims[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`the ${name} claim is not a number`);
    return v;
  };
  const exp = numeric('exp');
  const nbf = numeric('nbf');
  const iat = numeric('iat');
  if (exp !== undefined && now - skew > exp + leewaySeconds(role.expiration_leeway, 150)) throw fail('token is expired (exp claim)');
  if (nbf !== undefined && now + skew < nbf - leewaySeconds(role.not_before_leeway, 150)) throw fail('token is not valid yet (nbf claim)');
  if (iat !== undefined && now + skew < iat) throw fail('token was issued in the future (iat claim)');
}

export function checkIssuer(claims: Claims, expected: string | undefined): void {
  if (!expected) return;
  if (claims.iss !== expected) throw fail('the issuer (iss claim) does not match the bound issuer');
}

const audiencesOf = (claims: Claims): unknown[] => (claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud]);

export function checkAudience(claims: Claims, role: JwtRole): void {
  const audiences = audiencesOf(claims);
  if (role.bound_audiences.length === 0) {
    if (audiences.length > 0) throw fail('the token has an audience (aud claim) but the role has no bound_audiences');
    return;
  }
  if (!audiences.some((a) => typeof a === 'string' && role.bound_audiences.includes(a))) {
    throw fail('the audience (aud claim) does not match any of the role\'s bound_audiences');
  }
}

/**
 * The checks OpenID Connect Core (section 3.1.3.7) adds for an ID token from the browser flow:
 * issued to this client (`aud` holds the client ID; `azp`, when present, is it), carrying the
 * nonce this login sent, with an expiry, and recent enough a sign-in when the role sets `max_age`.
 * A role's `bound_audiences`, when set, must match as well.
 */
export function checkOidcIdToken(claims: Claims, role: JwtRole, clientId: string, nonceMatches: (nonce: string) => boolean, nowMs: number): void {
  const audiences = audiencesOf(claims);
  if (!audiences.includes(clientId)) throw fail('the ID token was not issued to this client (aud claim)');
  if (claims.azp !== undefined && claims.azp !== clientId) throw fail('the ID token was not issued to this client (azp claim)');
  if (role.bound_audiences.length > 0 && !audiences.some((a) => typeof a === 'string' && role.bound_audiences.includes(a))) {
    throw fail('the audience (aud claim) does not match any of the role\'s bound_audiences');
  }
  if (typeof claims.nonce !== 'string' || !nonceMatches(claims.nonce)) throw fail('the ID token\'s nonce does not match this login');
  if (claims.exp === undefined) throw fail('the ID token has no expiry (exp claim)');
  const maxAge = role.max_age ?? 0;
  if (maxAge > 0) {
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) throw fail('the ID token has no auth_time claim, which the role\'s max_age needs');
    const skew = leewaySeconds(role.clock_skew_leeway, 60);
    if (nowMs / 1000 - skew > authTime + maxAge) throw fail('the last sign-in at the provider is older than the role\'s max_age (auth_time claim)');
  }
}

export function checkSubject(claims: Claims, role: JwtRole): void {
  if (role.bound_subject !== '' && claims.sub !== role.bound_subject) {
    throw fail('the subject (sub claim) does not match the role\'s bound_subject');
  }
}

const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

export function checkBoundClaims(claims: Claims, role: JwtRole): void {
  for (const [name, expected] of Object.entries(role.bound_claims)) {
    const actual = getClaim(claims, name);
    if (actual === undefined || actual === null) throw fail(`claim ${JSON.stringify(name)} is missing from the token (required by bound_claims)`);
    const actualValues = (Array.isArray(actual) ? actual : [actual]).map(asText).filter((v): v is string => v !== undefined);
    const expectedValues = (Array.isArray(expected) ? expected : [expected]) as readonly BoundClaimValue[];
    const ok = expectedValues.some((want) =>
      actualValues.some((got) => (role.bound_claims_type === 'glob' ? globMatch(String(want), got) : String(want) === got)),
    );
    if (!ok) throw fail(`claim ${JSON.stringify(name)} does not match any associated bound claim values`);
  }
}

/** The user claim's value (a string, or a number as text). */
export function userClaimValue(claims: Claims, role: JwtRole): string {
  const value = getClaim(claims, role.user_claim, role.user_claim_json_pointer);
  if (value === undefined || value === null || value === '') {
    throw fail(`claim ${JSON.stringify(role.user_claim)} (the role's user_claim) was not found in the token`);
  }
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  if (text === undefined) throw fail(`claim ${JSON.stringify(role.user_claim)} (the role's user_claim) is not a string`);
  return text;
}

/** Metadata from `claim_mappings`; missing claims are skipped, lists are joined with commas. */
export function mappedMetadata(claims: Claims, role: JwtRole): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [claim, key] of Object.entries(role.claim_mappings)) {
    const value = getClaim(claims, claim);
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const items = value.map(asText).filter((v): v is string => v !== undefined);
      out[key] = items.join(',');
    } else {
      const text = asText(value);
      if (text === undefined) throw fail(`claim ${JSON.stringify(claim)} in claim_mappings is not a string, number or boolean`);
      out[key] = text;
    }
  }
  return out;
}
