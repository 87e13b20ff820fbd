/**
 * @module The job's OIDC ID token, asked of GitHub the documented way: GET
 * `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=<aud>` with `Authorization: Bearer
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answer `{"value": "<jwt>"}`. Both variables exist only in jobs
 * granted `permissions: id-token: write`.
 */
import { ActionError } from './action-error.js';
import type { Env } from './action-inputs.js';

/** Requests the ID token; an empty `audience` leaves GitHub's default (`https://github.com/OWNER`). */
export async function requestIdToken(env: Env, audience: string): Promise<string> {
  const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!base || !bearer) {
    throw new ActionError(
      'this job cannot request an OIDC token: add "permissions: id-token: write" to the workflow or job, or log in with method approle or token',
    );
  }
  // the URL GitHub gives already carries a query (?api-version=…), hence `&`
  const url = audience === '' ? base : `${base}&audience=${encodeURIComponent(audience)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new ActionError(`cannot reach GitHub's ID token service: ${(err as Error).message}`);
  }
  if (!res.ok) throw new ActionError(`GitHub refused to issue an ID token (HTTP ${res.status}): check "permissions: id-token: write"`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const value = (body as { value?: unknown } | undefined)?.value;
  if (typeof value !== 'string' || value === '') throw new ActionError("GitHub's ID token service answered without a token");
  return value;
}
