/**
 * @module Verifying a login JWT's signature with jose against the mount's {@link SigningKeys}.
 * Unsigned (`alg: none`) and HMAC tokens are refused before any key is looked at: the keys are
 * public, so an HMAC "signature" made with one would prove nothing. Errors never contain the token.
 */
import { compactVerify, decodeProtectedHeader } from 'jose';
import { badRequest } from '../../../lib/errors.js';
import type { Claims } from './claim-checks.js';
import { PUBLIC_KEY_ALGORITHMS } from './signing-keys.js';
import type { SigningKeys } from './signing-keys.js';

const fail = (reason: string) => badRequest(`error validating token: ${reason}`);
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Checks the signature and returns the token's claims (not yet validated). */
export async function verifySignature(jwt: string, keys: SigningKeys, supportedAlgs: readonly string[]): Promise<Claims> {
  if (!JWS_SHAPE.test(jwt)) throw fail('malformed token: expected a signed JWT in compact form');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    throw fail('malformed token header');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') throw fail('the token header has no signing algorithm (alg)');
  if (alg.toLowerCase() === 'none') throw fail('unsigned tokens (alg "none") are not accepted');
  if (/^HS\d+$/i.test(alg)) throw fail(`HMAC algorithm ${alg} is not accepted; tokens must be signed with a public key`);
  const allowed = supportedAlgs.length > 0 ? supportedAlgs : PUBLIC_KEY_ALGORITHMS;
  if (!allowed.includes(alg)) throw fail(`signing algorithm ${JSON.stringify(alg.slice(0, 16))} is not supported`);
  const kid = typeof header.kid === 'string' ? header.kid : undefined;

  let payload: Uint8Array | undefined;
  for (const key of await keys.keysFor(alg, kid)) {
    try {
      payload = (await compactVerify(jwt, key, { algorithms: [alg] })).payload;
      break;
    } catch {
      // try the next key; the error below covers all of them
    }
  }
  if (!payload) throw fail('signature verification failed');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw fail('malformed token claims');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw fail('malformed token claims');
  return claims as Claims;
}
