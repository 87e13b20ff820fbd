/**
 * @module `sys/locked-users`: which login identifiers and addresses are locked out after
 * repeated failures, and unlocking one. Vault's shape, plus the lock's expiry.
 */
import { HushError } from '../../lib/errors.js';
import { defineSysRoutes } from './sys-context.js';

export const lockoutRoutes = defineSysRoutes([
  {
    pattern: /^locked-users\/?$/,
    summary: 'List locked-out login identifiers and source addresses.',
    sudo: true,
    operations: {
      read: async ({ services }) => {
        const locked = services.lockout().locked();
        const byMount: Record<string, { total: number; alias_identifiers: string[]; locks: unknown[] }> = {};
        for (const l of locked) {
          const m = (byMount[l.mountAccessor] ??= { total: 0, alias_identifiers: [], locks: [] });
          m.total += 1;
          if (l.kind === 'identifier') m.alias_identifiers.push(l.key);
          m.locks.push({ kind: l.kind, key: l.key, failures: l.failures, locked_until: l.lockedUntil });
        }
        return {
          data: {
            by_namespace: [{ namespace_id: 'root', namespace_path: '', total: locked.length, mount_accessors: byMount }],
            total: locked.length,
          },
        };
      },
    },
  },
  {
    pattern: /^locked-users\/(?<accessor>[^/]+)\/unlock\/(?<key>.+)$/,
    summary: 'Unlock one login identifier or source address on an auth mount.',
    sudo: true,
    operations: {
      update: async ({ services }, { accessor, key }) => {
        if (!services.lockout().unlock(accessor!, key!)) throw new HushError('bad_request', 'nothing is locked under that name');
        return {};
      },
    },
  },
]);
