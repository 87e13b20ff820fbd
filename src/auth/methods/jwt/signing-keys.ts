/**
 * @module Where the public keys that verify login JWTs come from: PEM keys from the config
 * (`jwt_validation_pubkeys`), a JWKS URL (`jwks_url`), or the JWKS named by an OIDC discovery
 * document (`oidc_discovery_url`). Remote key sets are cached per mount, refetched when they are
 * older than an hour, and refetched at once (at most every few seconds) when a token names a
 * `kid` the cache does not know, so that an issuer's key rotation just works.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { HushError, badRequest } from '../../../lib/errors.js';
import { fetchJson } from '../../../lib/fetch-json.js';

export type VerificationKey = CryptoKey | KeyObject;

/** Keys able to verify a token with this header; throws a clear error when there are none. */
export interface SigningKeys {
  keysFor(alg: string, kid: string | undefined): Promise<VerificationKey[]>;
  /** The discovery document, when keys come from one (its issuer; the OIDC flow's endpoints). */
  discovered(): Promise<DiscoveryDocument | undefined>;
}

export interface RemoteKeyOptions {
  readonly now: () => number;
  /** Smallest gap between refetches triggered by unknown key IDs (ms). */
  readonly minRefreshMs?: number;
  /** Age after which a cached key set is refetched (ms). */
  readonly maxAgeMs?: number;
}

const RSA_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
const EC_CURVES: Readonly<Record<string, { jwk: string; node: string }>> = {
  ES256: { jwk: 'P-256', node: 'prime256v1' },
  ES384: { jwk: 'P-384', node: 'secp384r1' },
  ES512: { jwk: 'P-521', node: 'secp521r1' },
};
const EDDSA_ALGS = new Set(['EdDSA', 'Ed25519']);

/** Every signature algorithm a login token may use (public-key algorithms only). */
export const PUBLIC_KEY_ALGORITHMS: readonly string[] = [...RSA_ALGS, ...Object.keys(EC_CURVES), ...EDDSA_ALGS];

// ---- PEM keys ----------------------------------------------------------------------------------

/** Parses PEM public keys or certificates; the error names the position, never the key. */
export function parsePemKeys(pems: readonly string[]): KeyObject[] {
  return pems.map((pem, i) => {
    try {
      const key = createPublicKey(pem);
      if (key.type !== 'public') throw new Error('not a public key');
      return key;
    } catch (err) {
      throw badRequest(`jwt_validation_pubkeys[${i}] is not a PEM public key or certificate`, err);
    }
  });
}

function pemKeyFits(key: KeyObject, alg: string): boolean {
  const type = key.asymmetricKeyType;
  if (RSA_ALGS.has(alg)) return type === 'rsa' || (type === 'rsa-pss' && alg.startsWith('PS'));
  const curve = EC_CURVES[alg];
  if (curve) return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve.node;
  if (EDDSA_ALGS.has(alg)) return type === 'ed25519';
  return false;
}

export function createPemSigningKeys(pems: readonly string[]): SigningKeys {
  const keys = parsePemKeys(pems);
  // Imported once per algorithm as WebCrypto keys: jose would otherwise convert on every verify.
  const byAlg = new Map<string, Promise<VerificationKey[]>>();
  const importFor = async (alg: string): Promise<VerificationKey[]> => {
    const out: VerificationKey[] = [];
    for (const key of keys.filter((k) => pemKeyFits(k, alg))) {
      try {
        out.push((await importJWK(key.export({ format: 'jwk' }) as JWK, alg)) as CryptoKey);
      } catch {
        out.push(key); // jose can still use the KeyObject itself
      }
    }
    return out;
  };
  return {
    async keysFor(alg) {
      let fitting = byAlg.get(alg);
      if (!fitting) byAlg.set(alg, (fitting = importFor(alg)));
      const found = await fitting;
      if (found.length === 0) {
        throw badRequest(`error validating token: no configured public key can verify algorithm ${alg}`);
      }
      return found;
    },
    discovered: async () => undefined,
  };
}

// ---- remote JWKS -------------------------------------------------------------------------------

function jwkFits(jwk: JWK, alg: string): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (RSA_ALGS.has(alg)) return jwk.kty === 'RSA';
  const curve = EC_CURVES[alg];
  if (curve) return jwk.kty === 'EC' && jwk.crv === curve.jwk;
  if (EDDSA_ALGS.has(alg)) return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  return false;
}

/** Validates a fetched JWKS document and returns its keys. */
export function parseJwks(doc: unknown): JWK[] {
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('the document has no "keys" array');
  return keys.filter((k): k is JWK => typeof k === 'object' && k !== null && typeof (k as JWK).kty === 'string');
}

export interface DiscoveryDocument {
  readonly issuer: string;
  readonly jwksUri: string;
  /** The provider's endpoints for the browser flow, when it publishes them. */
  readonly authorizationEndpoint?: string;
  readonly tokenEndpoint?: string;
  readonly userinfoEndpoint?: string;
  /** How the provider lets clients authenticate at its token endpoint (default: Basic). */
  readonly tokenEndpointAuthMethods: readonly string[];
}

const optionalUrl = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Fetches and checks `<url>/.well-known/openid-configuration`. */
export async function fetchDiscovery(url: string, caPem: string | undefined): Promise<DiscoveryDocument> {
  const base = url.replace(/\/+$/, '');
  const doc = (await fetchJson(`${base}/.well-known/openid-configuration`, { caPem })) as Record<string, unknown> | null;
  const issuer = doc?.issuer;
  const jwksUri = doc?.jwks_uri;
  if (typeof issuer !== 'string' || typeof jwksUri !== 'string') {
    throw new Error('the discovery document lacks "issuer" or "jwks_uri"');
  }
  if (issuer.replace(/\/+$/, '') !== base) {
    throw new Error('the issuer in the discovery document does not match the discovery URL');
  }
  const methods = doc?.token_endpoint_auth_methods_supported;
  return {
    issuer,
    jwksUri,
    authorizationEndpoint: optionalUrl(doc?.authorization_endpoint),
    tokenEndpoint: optionalUrl(doc?.token_endpoint),
    userinfoEndpoint: optionalUrl(doc?.userinfo_endpoint),
    tokenEndpointAuthMethods: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : [],
  };
}

/** Keys from a JWKS URL, or from the JWKS of an OIDC discovery document. */
export function createRemoteSigningKeys(
  source: { readonly jwksUrl: string } | { readonly discoveryUrl: string },
  caPem: string | undefined,
  opts: RemoteKeyOptions,
): SigningKeys {
  const minRefreshMs = opts.minRefreshMs ?? 5_000;
  const maxAgeMs = opts.maxAgeMs ?? 3_600_000;
  let discovery: DiscoveryDocument | undefined;
  let keys: JWK[] | undefined;
  let fetchedAt = 0;
  let lastKidRefresh = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;
  const imported = new WeakMap<JWK, Map<string, Promise<VerificationKey>>>();

  async function load(): Promise<void> {
    try {
      if ('discoveryUrl' in source && (!discovery || opts.now() - fetchedAt >= maxAgeMs)) {
        discovery = await fetchDiscovery(source.discoveryUrl, caPem);
      }
      const url = 'jwksUrl' in source ? source.jwksUrl : discovery!.jwksUri;
      keys = parseJwks(await fetchJson(url, { caPem }));
      fetchedAt = opts.now();
    } catch (err) {
      if (keys) {
        fetchedAt = opts.now() - maxAgeMs + Math.min(60_000, maxAgeMs); // keep the keys we have; retry in a minute
        return;
      }
      // 500, as Vault answers: 503 would tell clients (hvac's VaultDown) the server is sealed
      throw new HushError('internal', 'unable to fetch the signing keys (JWKS) of the issuer: check oidc_discovery_url or jwks_url and their CA', { cause: err });
    }
  }

  function refresh(): Promise<void> {
    inflight ??= load().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function importKey(jwk: JWK, alg: string): Promise<VerificationKey> {
    let byAlg = imported.get(jwk);
    if (!byAlg) imported.set(jwk, (byAlg = new Map()));
    let key = byAlg.get(alg);
    if (!key) {
      key = importJWK(jwk, alg) as Promise<VerificationKey>;
      key.catch(() => byAlg.delete(alg));
      byAlg.set(alg, key);
    }
    return key;
  }

  async function discovered(): Promise<DiscoveryDocument | undefined> {
    if (!('discoveryUrl' in source)) return undefined;
    if (!discovery) await refresh();
    return discovery;
  }

  const matching = (alg: string, kid: string | undefined) =>
    (keys ?? []).filter((k) => (kid === undefined || k.kid === kid) && jwkFits(k, alg));

  return {
    async keysFor(alg, kid) {
      if (!keys) await refresh();
      else if (opts.now() - fetchedAt >= maxAgeMs) void refresh().catch(() => undefined); // stale: refresh in the background
      let found = matching(alg, kid);
      if (found.length === 0 && opts.now() - lastKidRefresh >= minRefreshMs) {
        lastKidRefresh = opts.now();
        await refresh();
        found = matching(alg, kid);
      }
      if (found.length === 0) {
        throw badRequest(
          kid === undefined
            ? `error validating token: no key in the issuer's JWKS can verify algorithm ${alg}`
            : `error validating token: unknown signing key: key ID ${JSON.stringify(kid.slice(0, 64))} is not in the issuer's JWKS`,
        );
      }
      const out: VerificationKey[] = [];
      for (const jwk of found) {
        try {
          out.push(await importKey(jwk, alg));
        } catch {
          // an unusable key in the set is skipped
        }
      }
      if (out.length === 0) throw badRequest(`error validating token: the matching JWKS key is unusable for ${alg}`);
      return out;
    },
    discovered,
  };
}
