/**
 * @module The action's post step, run by GitHub when the job ends (also after a failure): revokes
 * the token the main step logged in for, read back from the state it saved (`STATE_token`).
 * A token that has already expired is not an error; one the server could not be asked to revoke is.
 */
import { ApiError } from '../client/hush-client.js';
import { readClientInputs } from './action-inputs.js';
import type { Env } from './action-inputs.js';
import { openActionConnection } from './action-connection.js';
import type { ActionConnection } from './action-connection.js';
import { TOKEN_STATE, failureMessage } from './run-main.js';
import { addMask, reportError, reportWarning } from './workflow-commands.js';
import type { CommandSink } from './workflow-commands.js';

/** Runs the post step; returns the exit code. */
export async function runPost(env: Env, out: CommandSink): Promise<number> {
  const token = env[`STATE_${TOKEN_STATE}`] ?? '';
  if (token === '') {
    out.write('No Hush token to revoke.\n');
    return 0;
  }
  addMask(out, token);
  let connection: ActionConnection | undefined;
  try {
    connection = openActionConnection(readClientInputs(env), env);
    await connection.withToken(token).write('auth/token/revoke-self');
    out.write('Revoked the Hush token.\n');
    return 0;
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) {
      reportWarning(out, 'the Hush token had already expired or been revoked');
      return 0;
    }
    reportError(out, `revoking the Hush token failed (it expires at its TTL): ${failureMessage(err)}`);
    return 1;
  } finally {
    connection?.close();
  }
}
