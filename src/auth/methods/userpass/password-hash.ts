/**
 * @module Password hashing for userpass: argon2id in PHC string form (`$argon2id$v=19$m=…`).
 *
 * Parameters follow OWASP's Password Storage Cheat Sheet minimum for argon2id:
 * m = 19 MiB (19456 KiB), t = 2 passes, p = 1 lane, 16-byte random salt, 32-byte output. A PHC
 * string carries its own parameters, so raising them later keeps old hashes verifiable.
 *
 * {@link verifyPasswordOrDummy} is the only way logins check a password: when the user does not
 * exist it verifies against a fixed dummy hash made with the same parameters, so an unknown user
 * and a wrong password cost the same argon2 work and cannot be told apart by timing.
 * Passwords are never logged, stored or put into an error message here.
 */
import { randomBytes } from 'node:crypto';
import type { Algorithm, Options } from '@node-rs/argon2';

/** The native argon2 module, loaded on first use: servers without userpass never pay its memory. */
const argon2 = () => import('@node-rs/argon2');

/** `Algorithm.Argon2id` (an ambient const enum, which `isolatedModules` cannot reference). */
const ARGON2ID = 2 as Algorithm;

export const ARGON2_OPTIONS: Readonly<Options> = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/** A PHC argon2id hash of `password` with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** A hash of a random string nobody knows, made once per process with {@link ARGON2_OPTIONS}. */
function dummy(): Promise<string> {
  dummyHash ??= argon2().then((a) => a.hash(randomBytes(32), ARGON2_OPTIONS));
  return dummyHash;
}

/**
 * Whether `password` matches `stored`; with `stored` undefined (no such user) the same amount of
 * work is done against the dummy hash and the answer is always false.
 */
export async function verifyPasswordOrDummy(stored: string | undefined, password: string): Promise<boolean> {
  const target = stored ?? (await dummy());
  const ok = await (await argon2()).verify(target, password);
  return ok && stored !== undefined;
}

/** Builds the dummy hash ahead of the first login, so that login does not pay for it. */
export async function warmUpDummyHash(): Promise<void> {
  await dummy();
}
