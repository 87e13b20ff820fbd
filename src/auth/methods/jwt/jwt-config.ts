/**
 * @module `auth/<mount>/config` of the JWT method: where verification keys come from
 * (exactly one of `oidc_discovery_url`, `jwks_url`, `jwt_validation_pubkeys`), the extra CA for
 * fetching them, `bound_issuer`, `jwt_supported_algs` and `default_role`; for the OIDC browser
 * flow, the client registered at the provider (`oidc_client_id`, `oidc_client_secret`, which is
 * never shown again) and how the provider answers (`oidc_response_mode`, `oidc_response_types`).
 * A write replaces the whole config, as in Vault, and is validated by actually fetching the
 * discovery document or JWKS.
 */
import { X509Certificate } from 'node:crypto';
import { badRequest } from '../../../lib/errors.js';
import { readPemList, readString, readStringList } from '../../token-fields.js';
import type { Storage } from '../../../storage/storage.js';
import { readJson, writeJson } from '../method-storage.js';
import { fetchJson } from '../../../lib/fetch-json.js';
import { PUBLIC_KEY_ALGORITHMS, fetchDiscovery, parseJwks, parsePemKeys } from './signing-keys.js';

export interface JwtConfig {
  readonly oidc_discovery_url: string;
  readonly oidc_discovery_ca_pem: string;
  readonly jwks_url: string;
  readonly jwks_ca_pem: string;
  readonly jwt_validation_pubkeys: readonly string[];
  readonly jwt_supported_algs: readonly string[];
  readonly bound_issuer: string;
  readonly default_role: string;
  /** The OIDC client at the provider; both empty when only JWT logins are used. Absent in
   * configs stored before the OIDC flow existed. */
  readonly oidc_client_id?: string;
  readonly oidc_client_secret?: string;
  /** `query` (the default, also when empty) or `form_post`: how the provider sends its answer
   * to the redirect URI. */
  readonly oidc_response_mode?: OidcResponseMode;
  /** `code` (the default, also when empty: authorization code with PKCE) or `id_token`
   * (implicit, form_post only). */
  readonly oidc_response_types?: readonly OidcResponseType[];
}

export type OidcResponseMode = '' | 'query' | 'form_post';
export type OidcResponseType = 'code' | 'id_token';

const CONFIG_KEY = 'config';

export const loadConfig = (view: Storage): Promise<JwtConfig | undefined> => readJson<JwtConfig>(view, CONFIG_KEY);

export const saveConfig = (view: Storage, config: JwtConfig): Promise<void> => writeJson(view, CONFIG_KEY, config);

function checkCaPem(pem: string, field: string): void {
  if (pem === '') return;
  try {
    new X509Certificate(pem);
  } catch (err) {
    throw badRequest(`${field} is not a PEM certificate`, err);
  }
}

function checkUrl(url: string, field: string): void {
  if (url === '') return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw badRequest(`${field} is not a valid URL`, err);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badRequest(`${field} must be an http(s) URL`);
}

/** Reads and checks a config write (without network access). */
export function parseConfig(data: Readonly<Record<string, unknown>>): JwtConfig {
  const config: JwtConfig = {
    oidc_discovery_url: readString(data, 'oidc_discovery_url').trim(),
    oidc_discovery_ca_pem: readString(data, 'oidc_discovery_ca_pem').trim(),
    jwks_url: readString(data, 'jwks_url').trim(),
    jwks_ca_pem: readString(data, 'jwks_ca_pem').trim(),
    jwt_validation_pubkeys: readPemList(data, 'jwt_validation_pubkeys'),
    jwt_supported_algs: readStringList(data, 'jwt_supported_algs'),
    bound_issuer: readString(data, 'bound_issuer').trim(),
    default_role: readString(data, 'default_role').trim(),
    oidc_client_id: readString(data, 'oidc_client_id').trim(),
    oidc_client_secret: readString(data, 'oidc_client_secret'),
    oidc_response_mode: readResponseMode(data),
    oidc_response_types: readResponseTypes(data),
  };
  const sources = [config.oidc_discovery_url !== '', config.jwks_url !== '', config.jwt_validation_pubkeys.length > 0];
  if (sources.filter(Boolean).length !== 1) {
    throw badRequest("exactly one of 'oidc_discovery_url', 'jwks_url' or 'jwt_validation_pubkeys' must be set");
  }
  if (config.oidc_discovery_ca_pem !== '' && config.oidc_discovery_url === '') {
    throw badRequest("'oidc_discovery_ca_pem' requires 'oidc_discovery_url'");
  }
  if (config.jwks_ca_pem !== '' && config.jwks_url === '') throw badRequest("'jwks_ca_pem' requires 'jwks_url'");
  checkUrl(config.oidc_discovery_url, 'oidc_discovery_url');
  checkUrl(config.jwks_url, 'jwks_url');
  checkCaPem(config.oidc_discovery_ca_pem, 'oidc_discovery_ca_pem');
  checkCaPem(config.jwks_ca_pem, 'jwks_ca_pem');
  parsePemKeys(config.jwt_validation_pubkeys);
  checkOidcClient(config);
  for (const alg of config.jwt_supported_algs) {
    if (!PUBLIC_KEY_ALGORITHMS.includes(alg)) {
      throw badRequest(
        `invalid jwt_supported_algs: ${JSON.stringify(alg.slice(0, 32))} is not supported; use public-key algorithms (${PUBLIC_KEY_ALGORITHMS.join(', ')})`,
      );
    }
  }
  return config;
}

function readResponseMode(data: Readonly<Record<string, unknown>>): OidcResponseMode {
  const mode = readString(data, 'oidc_response_mode').trim();
  if (mode !== '' && mode !== 'query' && mode !== 'form_post') {
    throw badRequest(`invalid oidc_response_mode ${JSON.stringify(mode.slice(0, 32))}: must be "query" or "form_post"`);
  }
  return mode;
}

function readResponseTypes(data: Readonly<Record<string, unknown>>): OidcResponseType[] {
  const types = readStringList(data, 'oidc_response_types');
  for (const type of types) {
    if (type !== 'code' && type !== 'id_token') {
      throw badRequest(`invalid oidc_response_types value ${JSON.stringify(type.slice(0, 32))}: must be "code" or "id_token"`);
    }
  }
  if (types.length > 1) throw badRequest('oidc_response_types may hold only one of "code" and "id_token"');
  return types as OidcResponseType[];
}

/** Vault's rules for the OIDC client: it needs discovery (for the provider's endpoints), a
 * secret with its ID, and the implicit flow needs `form_post` (the ID token must not travel in
 * a URL). */
function checkOidcClient(config: JwtConfig): void {
  const id = config.oidc_client_id ?? '';
  const secret = config.oidc_client_secret ?? '';
  if (id !== '' && config.oidc_discovery_url === '') throw badRequest("'oidc_discovery_url' must be set for OIDC (oidc_client_id)");
  if ((id === '') !== (secret === '')) throw badRequest("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC");
  if (config.oidc_response_types?.includes('id_token') && config.oidc_response_mode !== 'form_post') {
    throw badRequest("'oidc_response_types' \"id_token\" requires 'oidc_response_mode' \"form_post\"");
  }
}

/** Checks that the configured discovery document or JWKS can be fetched and parsed. */
export async function checkConfigReachable(config: JwtConfig): Promise<void> {
  const reason = (err: unknown) => (err instanceof Error ? err.message : 'unknown error');
  if (config.oidc_discovery_url !== '') {
    try {
      const doc = await fetchDiscovery(config.oidc_discovery_url, config.oidc_discovery_ca_pem || undefined);
      parseJwks(await fetchJson(doc.jwksUri, { caPem: config.oidc_discovery_ca_pem || undefined }));
    } catch (err) {
      throw badRequest(`error checking oidc discovery URL: ${reason(err)}`, err);
    }
  }
  if (config.jwks_url !== '') {
    try {
      parseJwks(await fetchJson(config.jwks_url, { caPem: config.jwks_ca_pem || undefined }));
    } catch (err) {
      throw badRequest(`error checking jwks_url: ${reason(err)}`, err);
    }
  }
}

/** Whether the provider answers with an ID token directly (implicit flow) instead of a code. */
export function usesImplicitFlow(config: JwtConfig): boolean {
  return config.oidc_response_types?.includes('id_token') === true;
}

/** The config as `read auth/<mount>/config` shows it (never the client secret). */
export function configResponse(config: JwtConfig): Record<string, unknown> {
  return {
    oidc_discovery_url: config.oidc_discovery_url,
    oidc_discovery_ca_pem: config.oidc_discovery_ca_pem,
    oidc_client_id: config.oidc_client_id ?? '',
    oidc_response_mode: config.oidc_response_mode ?? '',
    oidc_response_types: [...(config.oidc_response_types ?? [])],
    jwks_url: config.jwks_url,
    jwks_ca_pem: config.jwks_ca_pem,
    jwt_validation_pubkeys: [...config.jwt_validation_pubkeys],
    jwt_supported_algs: [...config.jwt_supported_algs],
    bound_issuer: config.bound_issuer,
    default_role: config.default_role,
    provider_config: {},
    namespace_in_state: false,
  };
}
