/**
 * @module `hush scan --server` / `--rotate` on the command line: fetches the fingerprints of
 * managed secrets before the scan, prints a summary line, and after the scan rotates what leaked
 * (see docs/scan-server.md). Loaded by every `hush scan`, so it imports nothing heavy up front:
 * the API client and the scanner's server link load only when a server flag is given.
 */
import type { Finding } from '../scanner/engine/finding.js';
import type { ManagedFingerprintData } from '../scanner/managed/fingerprint-set.js';

export interface ServerFlags {
  server?: boolean;
  serverMount?: string[];
  serverPath?: string[];
  serverVersions?: string;
  rotate?: boolean;
}

/** A connection to the server for one scan. */
export interface ServerLink {
  readonly managed: ManagedFingerprintData;
  /** Rotates each leaked managed value still current; false when some rotation failed. */
  rotate(findings: readonly Finding[]): Promise<boolean>;
  close(): void;
}

/** Any server flag turns it on: `--server-path` or `--rotate` alone mean `--server` too. */
export function wantsServer(flags: ServerFlags): boolean {
  return (
    flags.server === true ||
    flags.rotate === true ||
    flags.serverMount !== undefined ||
    flags.serverPath !== undefined ||
    // else `--server-versions N` alone would be ignored without a word
    flags.serverVersions !== undefined
  );
}

export async function connectServer(flags: ServerFlags): Promise<ServerLink> {
  const versions = flags.serverVersions === undefined ? undefined : Number(flags.serverVersions);
  if (versions !== undefined && (!Number.isInteger(versions) || versions < 1)) throw new Error('--server-versions must be a whole number of at least 1');
  const [{ clientFromEnv, readCliEnv }, link] = await Promise.all([import('./cli-context.js'), import('../scanner/managed/server-link.js')]);
  const address = readCliEnv().address;
  const client = clientFromEnv();
  const say = (line: string) => process.stderr.write(`hush scan: ${line}\n`);
  try {
    const { data, summary } = await link.fetchFingerprints(client, address, {
      ...(flags.serverMount !== undefined ? { mounts: flags.serverMount } : {}),
      ...(flags.serverPath !== undefined ? { paths: flags.serverPath } : {}),
      ...(versions !== undefined ? { versions } : {}),
    });
    say(`comparing with ${summary.values} managed value(s) of ${summary.secrets} secret(s) readable at ${address}`);
    if (summary.values === 0 && summary.unlistableFolders > 0) {
      say('warning: this token may not list some KV folders; name the ones it may read with --server-path secret/<folder>/');
    }
    if (summary.truncated) {
      say('warning: the server stopped at its secret limit, so some managed values are not compared; narrow with --server-mount / --server-path');
    }
    return {
      managed: data,
      close: () => client.close(),
      async rotate(findings) {
        const refs = link.leakedRefs(findings);
        if (refs.length === 0) return true;
        const outcomes = await link.rotateLeaked(client, refs);
        for (const o of outcomes) say(o.message);
        if (outcomes.some((o) => o.kind === 'rotated')) say(link.ROTATION_ADVICE);
        return outcomes.every((o) => o.kind !== 'failed');
      },
    };
  } catch (err) {
    client.close();
    throw err;
  }
}
