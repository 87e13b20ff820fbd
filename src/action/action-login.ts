/**
 * @module Logs in with the method the inputs name and masks every credential the moment it is
 * known: the job's ID token, then the Hush token. `issued` says whether the action created the
 * token (jwt, approle), and so must revoke it at the end of the job; a token given as input
 * belongs to whoever gave it and is left alone.
 */
import { ApiError, ConnectionError } from '../client/hush-client.js';
import type { HushClient } from '../client/hush-client.js';
import { ActionError } from './action-error.js';
import type { ActionInputs, Env } from './action-inputs.js';
import { requestIdToken } from './id-token.js';
import { addMask } from './workflow-commands.js';
import type { CommandSink } from './workflow-commands.js';

export interface LoginResult {
  readonly token: string;
  readonly issued: boolean;
}

function loginFailure(err: unknown, inputs: ActionInputs): Error {
  const where = `auth/${inputs.path}`;
  if (err instanceof ConnectionError) return new ActionError(`login failed: ${err.message}; check input url`);
  if (!(err instanceof ApiError)) return err instanceof Error ? err : new Error(String(err));
  if (err.status === 429) {
    return new ActionError(`login at ${where} is locked out after repeated failures (HTTP 429); an operator can lift it under sys/locked-users`);
  }
  const audience = inputs.jwtAudience ? ` "${inputs.jwtAudience}"` : " (GitHub's default, https://github.com/OWNER, unless jwt-audience is set)";
  const hint =
    inputs.method === 'jwt'
      ? `check that role "${inputs.role || '(default_role)'}" exists on ${where} and binds this repository, branch and audience${audience}`
      : 'check role-id and secret-id (a secret ID may have expired or been used up)';
  const reason = err.errors.length > 0 ? err.errors.join('; ') : `HTTP ${err.status}`;
  return new ActionError(`login with ${inputs.method} at ${where} was refused: ${reason}; ${hint}`);
}

async function methodLogin(inputs: ActionInputs, client: HushClient, env: Env, out: CommandSink): Promise<string> {
  let body: Record<string, string>;
  if (inputs.method === 'jwt') {
    const jwt = await requestIdToken(env, inputs.jwtAudience);
    addMask(out, jwt);
    body = inputs.role === '' ? { jwt } : { role: inputs.role, jwt };
  } else {
    // usually already masked as a GitHub secret; not if it came from an earlier step's output
    addMask(out, inputs.secretId);
    body = inputs.secretId === '' ? { role_id: inputs.roleId } : { role_id: inputs.roleId, secret_id: inputs.secretId };
  }
  const res = await client.write<{ auth?: { client_token?: unknown } }>(`auth/${inputs.path}/login`, body);
  const token = res.body?.auth?.client_token;
  if (typeof token !== 'string' || token === '') throw new ActionError(`the login at auth/${inputs.path} answered without a token`);
  return token;
}

/** Logs in (or checks the given token) and returns the token, already masked. */
export async function logIn(inputs: ActionInputs, client: HushClient, env: Env, out: CommandSink): Promise<LoginResult> {
  if (inputs.method === 'token') {
    // not checked with lookup-self: a token without the default policy may not, yet read secrets
    addMask(out, inputs.token);
    return { token: inputs.token, issued: false };
  }
  let token: string;
  try {
    token = await methodLogin(inputs, client, env, out);
  } catch (err) {
    throw loginFailure(err, inputs);
  }
  addMask(out, token);
  return { token, issued: true };
}
