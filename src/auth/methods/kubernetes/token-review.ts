/**
 * @module Asking the cluster's API server whether a service account token is genuine and still
 * valid (TokenReview, `authentication.k8s.io/v1`): only the API server knows whether the account,
 * the pod it was issued for, or the token's secret still exist. The review runs with the
 * configured reviewer token, or with the token under review itself when there is none (it then
 * needs the right to create token reviews, as with Vault).
 */
import { HushError, permissionDenied } from '../../../lib/errors.js';
import { fetchJson } from '../../../lib/fetch-json.js';
import type { ReviewAccess } from './kubernetes-config.js';

/** Who the API server says the token belongs to. */
export interface ReviewedUser {
  readonly username: string;
  readonly uid: string;
}

interface TokenReviewAnswer {
  readonly status?: {
    readonly authenticated?: boolean;
    readonly user?: { readonly username?: unknown; readonly uid?: unknown };
  };
}

/** Reviews `jwt` (for `audience`, when the role names one); rejects unless it is authenticated. */
export async function reviewToken(access: ReviewAccess, jwt: string, audience: string): Promise<ReviewedUser> {
  const review = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: jwt, ...(audience !== '' ? { audiences: [audience] } : {}) },
  };
  let answer: TokenReviewAnswer;
  try {
    answer = (await fetchJson(`${access.apiBase}/apis/authentication.k8s.io/v1/tokenreviews`, {
      json: review,
      headers: { authorization: `Bearer ${access.reviewerJwt || jwt}` },
      ...(access.caCert !== '' ? { caPem: access.caCert, caOnly: true } : {}),
    })) as TokenReviewAnswer;
  } catch (err) {
    const why = err instanceof Error ? err.message : 'error';
    // 500, as Vault answers: 503 would tell clients (hvac's VaultDown) the server is sealed
    throw new HushError('internal', `the Kubernetes TokenReview API could not review the token (${why}); check kubernetes_host, kubernetes_ca_cert and the reviewer's right to create tokenreviews`, { cause: err });
  }
  const status = answer?.status;
  if (status?.authenticated !== true) throw permissionDenied('the Kubernetes API server did not authenticate the service account token');
  const user = status.user ?? {};
  return { username: typeof user.username === 'string' ? user.username : '', uid: typeof user.uid === 'string' ? user.uid : '' };
}
