/**
 * @module The action's main step: inputs → login → secrets → masks → `GITHUB_ENV` / `GITHUB_OUTPUT`.
 *
 * Order matters. Every credential and every line of every value is masked before anything
 * else is printed or written, and the token goes to `GITHUB_STATE` right after the login, so the
 * post step revokes it even when a later read fails. Nothing is exported unless every secret was
 * read: a job never continues with half its environment.
 */
import { ApiError, ConnectionError } from '../client/hush-client.js';
import { ActionError } from './action-error.js';
import { parseInputs } from './action-inputs.js';
import type { ActionInputs, Env } from './action-inputs.js';
import { openActionConnection } from './action-connection.js';
import type { ActionConnection } from './action-connection.js';
import { logIn } from './action-login.js';
import { fetchSecrets } from './fetch-secrets.js';
import { appendFileCommands } from './file-commands.js';
import { parseSecretRequests } from './secret-requests.js';
import { addMask, reportError } from './workflow-commands.js';
import type { CommandSink } from './workflow-commands.js';

/** The `GITHUB_STATE` name the post step reads back as `STATE_token`. */
export const TOKEN_STATE = 'token';

/** A one-line reason for the annotation. Our own messages, the server's and connection failures
 * hold no secrets; anything else is a bug, reported by its name and a short message. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActionError || err instanceof ConnectionError) return err.message;
  if (err instanceof ApiError) return `the server answered HTTP ${err.status}: ${err.message}`;
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `unexpected failure (${text.replace(/\s+/g, ' ').slice(0, 200)}); please report it`;
}

/** The runner's files this run will write, checked before logging in so that a token is never
 * issued only to be lost (the post step could not revoke a token missing from GITHUB_STATE). */
function checkRunnerFiles(inputs: ActionInputs, env: Env): void {
  const needed: Array<'GITHUB_ENV' | 'GITHUB_OUTPUT' | 'GITHUB_STATE'> = ['GITHUB_OUTPUT'];
  if (inputs.exportEnv || inputs.exportToken) needed.push('GITHUB_ENV');
  if (inputs.method !== 'token') needed.push('GITHUB_STATE');
  const missing = needed.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ActionError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: run this action in a GitHub Actions job (runner 2.297 or newer)`);
  }
}

/** Runs the main step; returns the exit code. */
export async function runMain(env: Env, out: CommandSink): Promise<number> {
  let connection: ActionConnection | undefined;
  try {
    const inputs = parseInputs(env);
    // a typo in `secrets` fails before a token exists
    const requests = parseSecretRequests(inputs.secrets);
    checkRunnerFiles(inputs, env);
    connection = openActionConnection(inputs, env);
    const { token, issued } = await logIn(inputs, connection.client, env, out);
    if (issued) appendFileCommands(env, 'GITHUB_STATE', [[TOKEN_STATE, token]]);

    const secrets = await fetchSecrets(requests, connection.withToken(token));
    for (const secret of secrets) addMask(out, secret.value);

    const envEntries: Array<readonly [string, string]> = inputs.exportEnv ? secrets.map((s) => [s.envName, s.value] as const) : [];
    if (inputs.exportToken) {
      for (const name of ['HUSH_ADDR', 'VAULT_ADDR']) envEntries.push([name, inputs.url]);
      for (const name of ['HUSH_TOKEN', 'VAULT_TOKEN']) envEntries.push([name, token]);
    }
    appendFileCommands(env, 'GITHUB_ENV', envEntries);
    appendFileCommands(env, 'GITHUB_OUTPUT', secrets.map((s) => [s.outputName, s.value] as const));

    const names = secrets.map((s) => (inputs.exportEnv ? s.envName : s.outputName));
    out.write(
      `${issued ? `Logged in to ${inputs.url} with ${inputs.method} (the token is revoked when the job ends)` : `Using the given token at ${inputs.url}`}; ` +
        `${secrets.length} secret${secrets.length === 1 ? '' : 's'} ${inputs.exportEnv ? 'exported' : 'set as outputs'}` +
        `${names.length > 0 ? `: ${names.join(', ')}` : ''}${inputs.exportToken ? '; the token is in HUSH_TOKEN and VAULT_TOKEN' : ''}\n`,
    );
    return 0;
  } catch (err) {
    reportError(out, failureMessage(err));
    return 1;
  } finally {
    connection?.close();
  }
}
