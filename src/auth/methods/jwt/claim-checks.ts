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

export function checkAudience(claims: Claims, role: JwtRole): void {
  const aud = claims.aud;
  const audiences = aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
  if (role.bound_audiences.length === 0) {
    if (audiences.length > 0) throw fail('the token has an audience (aud claim) but the role has no bound_audiences');
    return;
  }
  if (!audiences.some((a) => typeof a === 'string' && role.bound_audiences.includes(a))) {
    throw fail('the audience (aud claim) does not match any of the role\'s bound_audiences');
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
