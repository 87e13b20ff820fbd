/**
 * @module `tidy/secret-id`: removes expired secret IDs, secret IDs of deleted roles and
 * accessor entries whose secret ID is gone. Runs in the request (the stores are small) and
 * reports what it removed in a warning, where Vault reports to its server log.
 */
import { definePath } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import type { AuthRequest } from '../auth-method.js';
import { secretLockKey } from './approle-context.js';
import type { AppRoleContext } from './approle-context.js';
import { accessorKey, deleteOp, secretIdKey } from './approle-store.js';
import { isExpired } from './secret-id-fields.js';

export async function tidySecretIds(ctx: AppRoleContext): Promise<number> {
  const { store, lock, now } = ctx;
  const liveRoles = new Set<string>();
  for (const name of await store.listRoles()) {
    const role = await store.getRole(name);
    if (role) liveRoles.add(role.uuid);
  }
  let removed = 0;
  for (const roleUuid of await store.listSecretIdRoles()) {
    for (const hash of await store.listSecretIdHashes(roleUuid)) {
      await lock.run(secretLockKey(roleUuid, hash), async () => {
        const entry = await store.getSecretId(roleUuid, hash);
        if (!entry || (liveRoles.has(roleUuid) && !isExpired(entry, now()))) return;
        await store.storage.transaction(store.deleteSecretIdOps(roleUuid, hash, entry.accessor));
        removed += 1;
      });
    }
  }
  for (const roleUuid of liveRoles) {
    for (const accessor of await store.listAccessors(roleUuid)) {
      const index = await store.getAccessor(roleUuid, accessor);
      if (index && (await store.storage.get(secretIdKey(roleUuid, index.secretIdHash)))) continue;
      await store.storage.transaction([deleteOp(accessorKey(roleUuid, accessor))]);
    }
  }
  return removed;
}

export function tidyPaths(ctx: AppRoleContext): PathDeclaration<AuthRequest>[] {
  return [
    definePath<AuthRequest>({
      pattern: /^tidy\/secret-id\/?$/,
      summary: 'Remove expired secret IDs and the secret IDs of deleted roles.',
      operations: {
        update: async () => {
          const removed = await tidySecretIds(ctx);
          return { warnings: [`Tidy operation finished: removed ${removed} secret ID(s).`] };
        },
      },
    }),
  ];
}
