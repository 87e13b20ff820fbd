/**
 * @module `tidy/secret-id`: removes expired secret IDs, secret IDs of deleted roles and
 * accessor entries whose secret ID is gone. On request it reports what it removed in a warning,
 * where Vault reports to its server log; the server's periodic sweep also runs it.
 */
import { definePath } from '../../../engines/path-table.js';
import { nextTurn, STEPS_PER_TURN } from '../../../lib/next-turn.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import type { AuthRequest } from '../auth-method.js';
import { secretLockKey } from './approle-context.js';
import type { AppRoleContext } from './approle-context.js';
import { accessorKey, deleteOp } from './approle-store.js';
import { isExpired } from './secret-id-fields.js';

/** Removes them; yields to the event loop as it goes and stops early once `signal` is aborted
 * (the server's periodic sweep calls it too). */
export async function tidySecretIds(ctx: AppRoleContext, signal?: AbortSignal): Promise<number> {
  const { store, lock, now } = ctx;
  const liveRoles = new Set<string>();
  for (const name of await store.listRoles()) {
    const role = await store.getRole(name);
    if (role) liveRoles.add(role.uuid);
  }
  let removed = 0;
  let steps = 0;
  for (const roleUuid of await store.listSecretIdRoles()) {
    for (const hash of await store.listSecretIdHashes(roleUuid)) {
      if (++steps % STEPS_PER_TURN === 0) await nextTurn();
      if (signal?.aborted) return removed;
      await lock.run(secretLockKey(roleUuid, hash), async () => {
        const entry = await store.scanSecretId(roleUuid, hash);
        if (!entry || (liveRoles.has(roleUuid) && !isExpired(entry, now()))) return;
        await store.commit(store.deleteSecretIdOps(roleUuid, hash, entry.accessor));
        removed += 1;
      });
    }
  }
  for (const roleUuid of liveRoles) {
    for (const accessor of await store.listAccessors(roleUuid)) {
      if (++steps % STEPS_PER_TURN === 0) await nextTurn();
      if (signal?.aborted) return removed;
      const index = await store.scanAccessor(roleUuid, accessor);
      if (index && (await store.scanSecretId(roleUuid, index.secretIdHash))) continue;
      await store.commit([deleteOp(accessorKey(roleUuid, accessor))]);
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
