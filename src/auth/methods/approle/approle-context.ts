/**
 * @module What the AppRole path handlers share: the store, the per-key lock serialising writes
 * to one role or one secret ID, and the clock.
 */
import { badRequest } from '../../../lib/errors.js';
import type { KeyedLock } from '../../keyed-lock.js';
import type { AppRoleStore } from './approle-store.js';
import type { AppRole } from './approle-types.js';

export interface AppRoleContext {
  readonly store: AppRoleStore;
  readonly lock: KeyedLock;
  readonly now: () => number;
}

export const roleLockKey = (name: string) => `role\0${name}`;
export const roleIdLockKey = (roleIdHash: string) => `role-id\0${roleIdHash}`;
export const secretLockKey = (roleUuid: string, secretIdHash: string) => `secret\0${roleUuid}\0${secretIdHash}`;

/** The role named in a path, or Vault's 400 `role "x" does not exist`. */
export async function requireRole(ctx: AppRoleContext, name: string): Promise<AppRole> {
  const role = await ctx.store.getRole(name);
  if (!role) throw badRequest(`role "${name}" does not exist`);
  return role;
}
