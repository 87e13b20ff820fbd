/**
 * @module The action's connection to the server: HushClients built from the url and TLS inputs,
 * all closed together. A CA given inline is written to a private temporary file, since the
 * client takes a file (as the CLI's `HUSH_CACERT` does) and reads it again for every `withToken`
 * copy; the file is removed on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HushClient } from '../client/hush-client.js';
import { writeSecretFile } from '../lib/secret-file.js';
import type { ClientInputs, Env } from './action-inputs.js';

export interface ActionConnection {
  /** A client without a token, for logins. */
  readonly client: HushClient;
  /** A client sending `token`, closed with the connection. */
  withToken(token: string): HushClient;
  /** Closes every client's sockets and removes the CA file. */
  close(): void;
}

export function openActionConnection(inputs: ClientInputs, env: Env): ActionConnection {
  let dir: string | undefined;
  const remove = () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  let caCertFile: string | undefined;
  try {
    if (inputs.caCertificate !== '') {
      dir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'hush-action-'));
      caCertFile = join(dir, 'ca.pem');
      writeSecretFile(caCertFile, inputs.caCertificate);
    }
    const client = new HushClient({ address: inputs.url, caCertFile, skipVerify: inputs.tlsSkipVerify });
    const clients = [client];
    return {
      client,
      withToken(token) {
        const copy = client.withToken(token);
        clients.push(copy);
        return copy;
      },
      close() {
        for (const c of clients) c.close();
        remove();
      },
    };
  } catch (err) {
    remove();
    throw err;
  }
}
