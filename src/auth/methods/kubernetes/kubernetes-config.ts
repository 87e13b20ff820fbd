/**
 * @module `auth/<mount>/config` of the Kubernetes method: where the cluster's API server is
 * (`kubernetes_host`), the CA that signs its certificate (`kubernetes_ca_cert`), the token Hush
 * shows it to review service account tokens (`token_reviewer_jwt`, never shown again), optional
 * keys to check their signatures before asking (`pem_keys`), and Vault's deprecated issuer check.
 * When Hush itself runs in a pod and the CA or reviewer token is not given, the pod's own are
 * used (`disable_local_ca_jwt` turns that off), read again every minute since the token rotates.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { badRequest } from '../../../lib/errors.js';
import type { Storage } from '../../../storage/storage.js';
import { readJson, writeJson } from '../method-storage.js';
import { readBool, readPemList, readString } from '../../token-fields.js';

export interface KubernetesConfig {
  readonly kubernetes_host: string;
  readonly kubernetes_ca_cert: string;
  readonly token_reviewer_jwt: string;
  readonly pem_keys: readonly string[];
  readonly disable_local_ca_jwt: boolean;
  readonly issuer: string;
  readonly disable_iss_validation: boolean;
}

/** Where a pod finds its service account's token and the cluster's CA. */
export const POD_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const CONFIG_KEY = 'config';

export const loadConfig = (view: Storage): Promise<KubernetesConfig | undefined> => readJson<KubernetesConfig>(view, CONFIG_KEY);

export const saveConfig = (view: Storage, config: KubernetesConfig): Promise<void> => writeJson(view, CONFIG_KEY, config);

/** `https://host:port` from a host, a host:port pair or a URL, without a trailing slash. */
function apiBase(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (err) {
    throw badRequest('kubernetes_host must be a host, a host:port pair or a URL', err);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest('kubernetes_host must be an http(s) URL');
  return url.toString().replace(/\/+$/, '');
}

function checkPem(pem: string, field: string): void {
  try {
    new X509Certificate(pem);
  } catch (err) {
    throw badRequest(`${field} is not a PEM certificate`, err);
  }
}

/** Reads and checks a config write (a write replaces the whole config, as in Vault). */
export function parseConfig(data: Readonly<Record<string, unknown>>): KubernetesConfig {
  const host = readString(data, 'kubernetes_host').trim();
  if (host === '') throw badRequest('no host provided (kubernetes_host)');
  const config: KubernetesConfig = {
    kubernetes_host: apiBase(host),
    kubernetes_ca_cert: readString(data, 'kubernetes_ca_cert').trim(),
    token_reviewer_jwt: readString(data, 'token_reviewer_jwt').trim(),
    pem_keys: readPemList(data, 'pem_keys'),
    disable_local_ca_jwt: readBool(data, 'disable_local_ca_jwt'),
    issuer: readString(data, 'issuer').trim(),
    disable_iss_validation: readBool(data, 'disable_iss_validation', true),
  };
  if (config.kubernetes_ca_cert !== '') checkPem(config.kubernetes_ca_cert, 'kubernetes_ca_cert');
  config.pem_keys.forEach((pem, i) => {
    try {
      if (createPublicKey(pem).type !== 'public') throw new Error('not a public key');
    } catch (err) {
      throw badRequest(`pem_keys[${i}] is not a PEM public key or certificate`, err);
    }
  });
  return config;
}

/** The config as `read auth/<mount>/config` shows it: never the reviewer token. */
export function configResponse(config: KubernetesConfig): Record<string, unknown> {
  return {
    kubernetes_host: config.kubernetes_host,
    kubernetes_ca_cert: config.kubernetes_ca_cert,
    pem_keys: [...config.pem_keys],
    disable_local_ca_jwt: config.disable_local_ca_jwt,
    issuer: config.issuer,
    disable_iss_validation: config.disable_iss_validation,
  };
}

/** What a login uses to reach the API server. */
export interface ReviewAccess {
  readonly apiBase: string;
  /** The CA to trust for the API server ('' for the system roots). */
  readonly caCert: string;
  /** The bearer token for the TokenReview ('' to use the token under review, as Vault does). */
  readonly reviewerJwt: string;
}

function readLocal(dir: string, name: string): string {
  try {
    return readFileSync(join(dir, name), 'utf8').trim();
  } catch {
    return '';
  }
}

/** How long the pod's CA and token are kept before they are read again (the kubelet renews a
 * projected token well before it expires, so a minute is safe). */
const POD_FILES_TTL_MS = 60_000;
const podFiles = new Map<string, { readonly at: number; readonly ca: string; readonly token: string }>();

/** The pod's CA and token ('' where absent), read at most once a minute instead of at each
 * login (outside a pod, that is two failed reads per login saved). */
function podCredentials(dir: string, now: number): { readonly ca: string; readonly token: string } {
  let files = podFiles.get(dir);
  if (!files || now - files.at >= POD_FILES_TTL_MS) {
    files = { at: now, ca: readLocal(dir, 'ca.crt'), token: readLocal(dir, 'token') };
    podFiles.set(dir, files);
  }
  return files;
}

/** The config's CA and reviewer token, or the pod's own when they are not set. */
export function reviewAccess(config: KubernetesConfig, podDir = POD_SERVICE_ACCOUNT_DIR, now = Date.now()): ReviewAccess {
  const needed = !config.disable_local_ca_jwt && (config.kubernetes_ca_cert === '' || config.token_reviewer_jwt === '');
  const pod = needed ? podCredentials(podDir, now) : { ca: '', token: '' };
  return {
    apiBase: config.kubernetes_host,
    caCert: config.kubernetes_ca_cert || pod.ca,
    reviewerJwt: config.token_reviewer_jwt || pod.token,
  };
}
