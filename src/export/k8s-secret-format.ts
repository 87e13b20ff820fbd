/**
 * @module A Kubernetes `v1 Secret` manifest (`type: Opaque`, values base64 in `data:`), for
 * `kubectl apply -f`. Names must be DNS-1123 subdomains and data keys `[-._a-zA-Z0-9]+`, as
 * the API server enforces; a default name is derived from the secret's path.
 */
import { stringify } from 'yaml';
import { HushError } from '../lib/errors.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** Turns the last segment of a path (`secret/myapp/Prod_EU` → `prod-eu`) into a valid name. */
export function defaultSecretName(path: string | undefined): string {
  const last = (path ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
  const name = last
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-*\.-*/g, '.')
    .slice(0, 253)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name === '' ? 'hush-secret' : name;
}

export interface K8sSecretOptions {
  readonly name: string;
  readonly namespace?: string;
}

export function renderK8sSecret(secrets: ReadonlyMap<string, string>, opts: K8sSecretOptions): string {
  if (opts.name.length > 253 || !DNS1123_SUBDOMAIN.test(opts.name)) {
    throw new HushError('bad_request', `--name ${JSON.stringify(opts.name)} is not a valid Kubernetes name: use lowercase letters, digits, - and . (at most 253)`);
  }
  if (opts.namespace !== undefined && (opts.namespace.length > 63 || !DNS1123_LABEL.test(opts.namespace))) {
    throw new HushError('bad_request', `--namespace ${JSON.stringify(opts.namespace)} is not a valid Kubernetes namespace: use lowercase letters, digits and - (at most 63)`);
  }
  const data: Record<string, string> = {};
  for (const [key, value] of secrets) {
    if (!DATA_KEY.test(key) || key.length > 253 || key === '.' || key.startsWith('..')) {
      throw new HushError('bad_request', `cannot export ${JSON.stringify(key)} to a Kubernetes Secret: keys may only hold letters, digits, -, _ and .`);
    }
    data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  const manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: opts.name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) },
    type: 'Opaque',
    data,
  };
  return stringify(manifest, { version: '1.1', lineWidth: 0 });
}
