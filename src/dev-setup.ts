/**
 * @module `hush server --dev`: a server that works on the first command. On first start it
 * initialises with one unseal share kept in a 0600 file beside the data (never do this in
 * production), and on every start it unseals itself with the shares in that file. A rekey
 * replaces them with a quorum of the new ones, so a rekeyed dev server still starts by itself.
 * The root token is kept inside the barrier (encrypted), so it can be printed again after a
 * restart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HushError } from './lib/errors.js';
import { writeSecretFile } from './lib/secret-file.js';
import type { Core } from './core/core.js';

const DEV_ROOT_TOKEN_KEY = 'core/dev-root-token';
const SHARE_FILE = 'dev-unseal-share';

export interface DevSetupOptions {
  /** Where the share file lives; undefined for `--dev-inmem` (the share stays in memory). */
  readonly dataDir?: string;
  readonly rootTokenId?: string;
}

/** Initialises (first start) or unseals (later starts) a dev server; returns its root token. */
export async function setUpDevServer(core: Core, opts: DevSetupOptions): Promise<string> {
  const shareFile = opts.dataDir ? join(opts.dataDir, SHARE_FILE) : undefined;
  if (shareFile) {
    core.onRekeyed((shares, threshold) => {
      try {
        writeSecretFile(shareFile, shares.slice(0, threshold).map((s) => `${Buffer.from(s).toString('hex')}\n`).join(''));
      } catch {
        console.error(`hush: rekeyed, but ${shareFile} could not be rewritten: keep the new unseal keys, the dev server cannot unseal itself with the old ones`);
      } finally {
        for (const s of shares) s.fill(0);
      }
    });
  }
  if (!(await core.barrier.isInitialized())) {
    const { shares, rootToken } = await core.initialize({ secretShares: 1, secretThreshold: 1, rootTokenId: opts.rootTokenId });
    const share = shares[0]!;
    if (shareFile) writeSecretFile(shareFile, Buffer.from(share).toString('hex') + '\n');
    await core.submitUnsealShare(share);
    await core.barrier.put(DEV_ROOT_TOKEN_KEY, new TextEncoder().encode(rootToken));
    return rootToken;
  }
  if (!shareFile || !existsSync(shareFile)) {
    throw new HushError('bad_request', `the data directory was not initialised in dev mode (no ${SHARE_FILE} file); start without --dev and unseal with 'hush operator unseal'`);
  }
  for (const line of readFileSync(shareFile, 'utf8').split('\n')) {
    if (line.trim() !== '' && core.barrier.isSealed()) await core.submitUnsealShare(Buffer.from(line.trim(), 'hex'));
  }
  if (core.barrier.isSealed()) {
    throw new HushError('bad_request', `the shares in ${SHARE_FILE} are too few to unseal this data directory; unseal with 'hush operator unseal'`);
  }
  const stored = await core.barrier.get(DEV_ROOT_TOKEN_KEY);
  let rootToken = stored ? new TextDecoder().decode(stored) : undefined;
  if (opts.rootTokenId && opts.rootTokenId !== rootToken) {
    if (!(await core.tokens().lookup(opts.rootTokenId))) {
      await core.tokens().create({ policies: ['root'], path: 'auth/token/root', displayName: 'root', orphan: true, id: opts.rootTokenId });
    }
    rootToken = opts.rootTokenId;
    await core.barrier.put(DEV_ROOT_TOKEN_KEY, new TextEncoder().encode(rootToken));
  }
  if (!rootToken) throw new HushError('internal', 'dev root token missing from storage');
  return rootToken;
}
