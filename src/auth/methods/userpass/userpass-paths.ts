/**
 * @module The paths of a userpass mount, as data: `users/` (list), `users/:name` (create,
 * update, read without the password hash, delete), `users/:name/password`,
 * `users/:name/policies` and `login/:name`. Login checks the password with argon2id and answers
 * WHO logged in; the core issues the token, counts failures for lockout and audits.
 */
import { badRequest, notFound, permissionDenied } from '../../../lib/errors.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import { isAddressAllowed } from '../../bound-cidrs.js';
import { readString } from '../../token-fields.js';
import type { AuthRequest, AuthResponse } from '../auth-method.js';
import { hashPassword, verifyPasswordOrDummy } from './password-hash.js';
import { applyPolicyFields, applyTokenFields, newUserEntry, toLoginResult, toReadData } from './user-entry.js';
import type { UserEntry } from './user-entry.js';
import { normalizeUsername, requireUsername } from './user-store.js';
import type { UserStore } from './user-store.js';

/** The one answer to every failed login, whatever failed (unknown user or wrong password). */
export const INVALID_CREDENTIALS = 'invalid username or password';

/** The password of a request, or a `bad_request` when missing or empty. */
function requirePassword(req: AuthRequest): string {
  const password = readString(req.data, 'password');
  if (password === '') throw badRequest('missing password');
  return password;
}

function refusePasswordHash(req: AuthRequest): void {
  if (req.data['password_hash'] !== undefined) {
    throw badRequest('password_hash is not supported: send "password" (it is stored as an argon2id hash)');
  }
}

const cloneEntry = (entry: UserEntry): UserEntry => structuredClone(entry);

export function userpassPaths(users: UserStore): PathDeclaration<AuthRequest>[] {
  const existing = async (name: string): Promise<UserEntry> => {
    const entry = await users.get(name);
    if (!entry) throw badRequest('username does not exist');
    return entry;
  };

  return [
    {
      pattern: /^users\/?$/,
      summary: 'List the users of this mount.',
      operations: {
        list: async () => {
          const keys = await users.list();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: /^users\/(?<name>[^/]+)\/password$/,
      summary: "Change a user's password.",
      operations: {
        update: async (req, { name = '' }) => {
          refusePasswordHash(req);
          const username = requireUsername(name);
          const password = requirePassword(req);
          await users.withUser(username, async () => {
            const entry = cloneEntry(await existing(username));
            entry.passwordHash = await hashPassword(password);
            await users.put(username, entry);
          });
          return {};
        },
      },
    },
    {
      pattern: /^users\/(?<name>[^/]+)\/policies$/,
      summary: "Replace a user's token policies.",
      operations: {
        update: async (req, { name = '' }) => {
          const username = requireUsername(name);
          await users.withUser(username, async () => {
            const entry = cloneEntry(await existing(username));
            applyPolicyFields(entry, req.data);
            await users.put(username, entry);
          });
          return {};
        },
      },
    },
    {
      pattern: /^users\/(?<name>[^/]+)$/,
      summary: 'Create, update, read or delete a user.',
      operations: {
        read: async (_req, { name = '' }) => {
          const username = normalizeUsername(name);
          const entry = username === undefined ? undefined : await users.get(username);
          if (!entry) throw notFound();
          return { data: toReadData(entry) };
        },
        update: async (req, { name = '' }) => {
          refusePasswordHash(req);
          const username = requireUsername(name);
          await users.withUser(username, async () => {
            const found = await users.get(username);
            const password = readString(req.data, 'password');
            if (!found && password === '') throw badRequest('missing password');
            const entry = found ? cloneEntry(found) : newUserEntry('');
            // Validate every field before paying for a hash.
            applyTokenFields(entry, req.data);
            if (password !== '') entry.passwordHash = await hashPassword(password);
            await users.put(username, entry);
          });
          return {};
        },
        delete: async (_req, { name = '' }) => {
          const username = normalizeUsername(name);
          if (username !== undefined) await users.withUser(username, () => users.delete(username));
          return {};
        },
      },
    },
    {
      pattern: /^login\/(?<name>[^/]+)$/,
      summary: 'Log in with a user name and password.',
      operations: {
        update: async (req, { name = '' }): Promise<AuthResponse> => {
          const password = requirePassword(req);
          const username = normalizeUsername(name);
          const entry = username === undefined ? undefined : await users.get(username);
          // Always exactly one argon2 verify: against the user's hash, or a dummy one.
          const ok = await verifyPasswordOrDummy(entry?.passwordHash, password);
          if (!ok || entry === undefined || username === undefined) throw badRequest(INVALID_CREDENTIALS);
          if (!isAddressAllowed(entry.tokenBoundCidrs, req.remoteAddress)) throw permissionDenied();
          return { login: toLoginResult(username, entry) };
        },
      },
    },
  ];
}

/** The user name a `login/:name` path names (lower-cased), for lockout; undefined otherwise. */
export function loginUsername(path: string): string | undefined {
  const m = /^login\/([^/]+)$/.exec(path);
  return m?.[1] === undefined ? undefined : m[1].toLowerCase();
}
