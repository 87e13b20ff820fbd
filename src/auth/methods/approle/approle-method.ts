/**
 * @module The AppRole auth method (`type: approle`): machines log in with a role ID and a
 * secret ID. {@link approleAuthMethodFactory} is registered in `default-auth-methods.ts`; the
 * paths are declared as data in `role-paths.ts`, `secret-id-paths.ts`, `login-path.ts` and
 * `tidy-path.ts`. Storage layout and invariants: README.md in this folder.
 */
import { dispatch, definePath } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import { createKeyedLock } from '../../keyed-lock.js';
import type { AuthMethod, AuthMethodContext, AuthMethodFactory, AuthRequest, AuthResponse } from '../auth-method.js';
import type { AppRoleContext } from './approle-context.js';
import { AppRoleStore } from './approle-store.js';
import { login, loginRoleId } from './login-path.js';
import { rolePaths } from './role-paths.js';
import { secretIdPaths } from './secret-id-paths.js';
import { tidyPaths, tidySecretIds } from './tidy-path.js';

export function appRolePathTable(ctx: AppRoleContext): PathDeclaration<AuthRequest>[] {
  return [
    definePath<AuthRequest>({
      pattern: /^login\/?$/,
      summary: 'Log in with a role ID and a secret ID.',
      operations: { update: async (req) => login(ctx, req) },
    }),
    ...secretIdPaths(ctx),
    ...rolePaths(ctx),
    ...tidyPaths(ctx),
  ];
}

export async function createAppRoleMethod(context: AuthMethodContext): Promise<AuthMethod> {
  const ctx: AppRoleContext = { store: await AppRoleStore.open(context.view), lock: createKeyedLock(), now: context.now };
  const table = appRolePathTable(ctx);
  return {
    async handle(req: AuthRequest): Promise<AuthResponse> {
      return dispatch(table, req);
    },
    isUnauthenticatedPath: (path) => path === 'login' || path === 'login/',
    loginIdentifier: loginRoleId,
    tidy: (signal) => tidySecretIds(ctx, signal),
  };
}

export const approleAuthMethodFactory: AuthMethodFactory = {
  type: 'approle',
  create: createAppRoleMethod,
};
