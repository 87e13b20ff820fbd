/**
 * @module Userpass users in the mount's storage view: one JSON document per user under
 * `user/<name>` (the name lower-cased, as Vault stores it). Writes of one user are serialised by
 * a per-name lock so that a password change and a policy change cannot lose each other.
 */
import { HushError, badRequest } from '../../../lib/errors.js';
import type { Storage } from '../../../storage/storage.js';
import { createKeyedLock } from '../../keyed-lock.js';
import type { UserEntry } from './user-entry.js';

const PREFIX = 'user/';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Vault's user names: letters, digits, `_`, `-`, `.` and `@`, starting and ending with a letter,
 * digit or `_`. Matched after lower-casing.
 */
const NAME = /^[a-z0-9_](?:[a-z0-9_.@-]*[a-z0-9_])?$/;
const MAX_NAME = 256;

/** The stored form of a user name (lower-cased), or undefined when it is not a valid name. */
export function normalizeUsername(raw: string): string | undefined {
  const name = raw.toLowerCase();
  return name.length <= MAX_NAME && NAME.test(name) ? name : undefined;
}

/** Like {@link normalizeUsername}, for writes: an invalid name is a `bad_request`. */
export function requireUsername(raw: string): string {
  const name = normalizeUsername(raw);
  if (name === undefined) {
    throw badRequest(
      'invalid username: use letters, digits, "_", "-", "." and "@", starting and ending with a letter, digit or "_"',
    );
  }
  return name;
}

export interface UserStore {
  get(name: string): Promise<UserEntry | undefined>;
  put(name: string, entry: UserEntry): Promise<void>;
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
  /** Runs a read-modify-write of one user without interleaving with another write of it. */
  withUser<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export function createUserStore(view: Storage): UserStore {
  const lock = createKeyedLock();
  return {
    async get(name) {
      const bytes = await view.get(PREFIX + name);
      if (bytes === undefined) return undefined;
      try {
        return JSON.parse(decoder.decode(bytes)) as UserEntry;
      } catch (cause) {
        throw new HushError('internal', 'stored user entry is corrupt', { cause: new Error('JSON decode failed', { cause }) });
      }
    },
    async put(name, entry) {
      await view.put(PREFIX + name, encoder.encode(JSON.stringify(entry)));
    },
    async delete(name) {
      await view.delete(PREFIX + name);
    },
    async list() {
      return (await view.list(PREFIX)).filter((k) => !k.endsWith('/'));
    },
    withUser(name, fn) {
      return lock.run(name, fn);
    },
  };
}
