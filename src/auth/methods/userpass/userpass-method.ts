/**
 * @module The `userpass` auth method: people log in with a user name and password
 * (`auth/<mount>/login/:name`), speaking Vault's userpass API. Passwords are stored only as
 * argon2id hashes (see `password-hash.ts`); a failed login answers `invalid username or
 * password` after the same argon2 work whether the user exists or not. The method returns WHO
 * logged in; the core issues the token, applies lockout and writes the audit log.
 */
import { dispatch } from '../../../engines/path-table.js';
import type { Storage } from '../../../storage/storage.js';
import type { AuthMethod, AuthMethodFactory, AuthRequest, AuthResponse } from '../auth-method.js';
import { warmUpDummyHash } from './password-hash.js';
import { createUserStore } from './user-store.js';
import { loginUsername, userpassPaths } from './userpass-paths.js';

export function createUserpassMethod(view: Storage): AuthMethod {
  const table = userpassPaths(createUserStore(view));
  return {
    async handle(req: AuthRequest): Promise<AuthResponse> {
      return dispatch(table, req);
    },
    isUnauthenticatedPath(path: string): boolean {
      return path.startsWith('login/');
    },
    loginIdentifier(req: AuthRequest): string | undefined {
      return loginUsername(req.path);
    },
  };
}

export const userpassAuthMethodFactory: AuthMethodFactory = {
  type: 'userpass',
  async create(ctx) {
    // The dummy hash of the unknown-user path is built now, not during someone's first login.
    await warmUpDummyHash();
    return createUserpassMethod(ctx.view);
  },
};
