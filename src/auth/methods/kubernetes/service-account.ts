/**
 * @module Which service account a Kubernetes token names, read from its claims: the projected
 * (bound) tokens of current clusters carry a `kubernetes.io` object (namespace, service account
 * name and UID, the pod), the legacy secret-based ones flat `kubernetes.io/serviceaccount/…`
 * claims. These claims are only trusted once the API server's TokenReview agrees.
 */
import { badRequest } from '../../../lib/errors.js';

export interface ServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** The token's secret, for legacy tokens only ('' otherwise). */
  readonly secretName: string;
}

const LEGACY = 'kubernetes.io/serviceaccount/';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function objectAt(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The service account of a token's claims; a clear 400 when they name none. */
export function serviceAccountOf(claims: Readonly<Record<string, unknown>>): ServiceAccount {
  const projected = objectAt(claims['kubernetes.io']);
  const account = objectAt(projected['serviceaccount']);
  const sa: ServiceAccount =
    Object.keys(projected).length > 0
      ? { namespace: text(projected['namespace']), name: text(account['name']), uid: text(account['uid']), secretName: '' }
      : {
          namespace: text(claims[`${LEGACY}namespace`]),
          name: text(claims[`${LEGACY}service-account.name`]),
          uid: text(claims[`${LEGACY}service-account.uid`]),
          secretName: text(claims[`${LEGACY}secret.name`]),
        };
  if (sa.namespace === '' || sa.name === '') throw badRequest('the token does not name a Kubernetes service account (namespace and name claims)');
  return sa;
}

/** The user name the API server gives a service account (`system:serviceaccount:<ns>:<name>`). */
export function serviceAccountUser(sa: ServiceAccount): string {
  return `system:serviceaccount:${sa.namespace}:${sa.name}`;
}
