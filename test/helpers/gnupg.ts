/**
 * @module A throw-away GnuPG home for tests: real `gpg` (Debian's) makes the key pairs, exports
 * the public keys as Vault takes them (`gpg --export KEY | base64`), and decrypts what the server
 * encrypted, exactly as a key holder would (`base64 -d | gpg -dq`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GpgKey {
  /** Lower-case hex, as the server reports it. */
  readonly fingerprint: string;
  /** The binary public key, base64-encoded. */
  readonly publicBase64: string;
}

export class GnuPgHome {
  readonly dir = mkdtempSync(join(tmpdir(), 'hush-gpg-'));

  #run(args: readonly string[], input?: Buffer): Buffer {
    const res = spawnSync('gpg', ['--batch', '--quiet', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      env: { ...process.env, GNUPGHOME: this.dir },
      input,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (res.status !== 0) throw new Error(`gpg ${args[0]} failed: ${res.stderr.toString().trim()}`);
    return res.stdout;
  }

  /** A new key pair for `name`: an Ed25519 signing key, with a Curve25519 encryption subkey
   * unless `signOnly`. */
  createKey(name: string, opts: { signOnly?: boolean } = {}): GpgKey {
    this.#run(['--quick-gen-key', `${name} <${name}@example.test>`, 'ed25519', 'sign', 'never']);
    const fingerprint = this.#fingerprintOf(name);
    if (!opts.signOnly) this.#run(['--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']);
    return { fingerprint: fingerprint.toLowerCase(), publicBase64: this.#run(['--export', fingerprint]).toString('base64') };
  }

  /** The secret key of `key`, base64-encoded: what a careless operator might paste. */
  exportSecret(key: GpgKey): string {
    return this.#run(['--export-secret-keys', key.fingerprint]).toString('base64');
  }

  /** The ASCII-armoured public key of `key`. */
  exportArmoured(key: GpgKey): string {
    return this.#run(['--armor', '--export', key.fingerprint]).toString('utf8');
  }

  /** What `echo VALUE | base64 -d | gpg -dq` prints. */
  decryptBase64(value: string): string {
    return this.#run(['--decrypt'], Buffer.from(value, 'base64')).toString('utf8');
  }

  /** Stops the agent gpg started for this home and removes it. */
  remove(): void {
    spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: this.dir } });
    rmSync(this.dir, { recursive: true, force: true });
  }

  #fingerprintOf(name: string): string {
    const listing = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys', `<${name}@example.test>`], {
      env: { ...process.env, GNUPGHOME: this.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString('utf8');
    const line = listing.split('\n').find((l) => l.startsWith('fpr:'));
    if (line === undefined) throw new Error(`gpg made no key for ${name}`);
    return line.split(':')[9] as string;
  }
}
