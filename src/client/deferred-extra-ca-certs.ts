/**
 * @module NODE_EXTRA_CA_CERTS, loaded only when Hush opens a TLS connection.
 *
 * Node 20 reads and parses the whole file NODE_EXTRA_CA_CERTS names when the process starts, TLS
 * or not: with a system bundle (~140 certificates) that is 70-80 ms added to every `hush` run.
 * The installed command (`bin/hush`, a shell launcher) therefore moves the variable to
 * {@link DEFERRED_EXTRA_CA_CERTS_ENV} before starting Node, for commands whose only TLS
 * connections are this client's. {@link adoptDeferredExtraCaCerts} puts it back at once, so that
 * every process Hush starts sees the environment unchanged, and remembers the file; the client
 * then trusts Node's bundled roots plus the file's certificates when it connects over TLS, as
 * Node would have:
 *
 * - the list is `tls.rootCertificates` (Node's bundled Mozilla roots) plus the file's
 *   certificates, given as the `ca` option; with `--use-openssl-ca` Node would start from
 *   OpenSSL's store instead, which this does not reproduce;
 * - an explicit CA (`HUSH_CACERT`, `-ca-cert`) replaces all of them: Node does not use the extra
 *   certificates when the `ca` option is given either;
 * - a file that cannot be read, or holds no certificate, is ignored with Node's warning.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type tls from 'node:tls';

/** Where the launcher puts NODE_EXTRA_CA_CERTS for the CLI. */
export const DEFERRED_EXTRA_CA_CERTS_ENV = 'HUSH_DEFERRED_NODE_EXTRA_CA_CERTS';

/** The file Node did not load at start-up because the launcher deferred it. */
let deferredFile: string | undefined;

/**
 * Called once, first thing, by the CLI's entry point: restores NODE_EXTRA_CA_CERTS in `env` and
 * removes the launcher's variable, remembering the file for {@link deferredExtraCa}.
 */
export function adoptDeferredExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[DEFERRED_EXTRA_CA_CERTS_ENV];
  if (file === undefined) return;
  delete env[DEFERRED_EXTRA_CA_CERTS_ENV];
  // set at start-up as well: Node loaded that one itself, and it wins
  if (env.NODE_EXTRA_CA_CERTS || file === '') return;
  env.NODE_EXTRA_CA_CERTS = file;
  deferredFile = file;
}

/** For tests: forget a deferred file. */
export function resetDeferredExtraCaCerts(): void {
  deferredFile = undefined;
}

/**
 * The CA list for a TLS connection: Node's bundled roots and the deferred extra certificates;
 * `undefined` when nothing was deferred, so that the caller uses Node's defaults as usual.
 */
export function deferredExtraCa(): string[] | undefined {
  if (deferredFile === undefined) return undefined;
  const { rootCertificates } = createRequire(import.meta.url)('node:tls') as typeof tls;
  let pem: string;
  try {
    pem = readFileSync(deferredFile, 'latin1');
    if (!pem.includes('-----BEGIN ')) throw new Error('no certificate in the file');
  } catch (err) {
    // Node's own warning, once, and the defaults alone
    process.emitWarning(`Ignoring extra certs from \`${deferredFile}\`, load failed: ${(err as Error).message}`);
    deferredFile = undefined;
    return undefined;
  }
  return [...rootCertificates, pem];
}
