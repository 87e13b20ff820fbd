/**
 * @module The role paths of AppRole: `role` (LIST), `role/:name` (create, update, read,
 * delete), `role/:name/role-id` (read, set) and the per-field endpoints such as
 * `role/:name/policies` or `role/:name/token-ttl` (read, set, reset to the default). Writes to one role hold the role's lock; a
 * role and its role-ID index change in one transaction, and deleting a role removes its secret
 * IDs with it.
 */
import { badRequest, notFound } from '../../../lib/errors.js';
import { definePath } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import { readString } from '../../token-fields.js';
import type { AuthRequest } from '../auth-method.js';
import { requireRole, roleIdLockKey, roleLockKey } from './approle-context.js';
import type { AppRoleContext } from './approle-context.js';
import { deleteOp, putOp, roleIdKey, roleKey } from './approle-store.js';
import { applyRoleFields, defaultRole, roleResponseData, validateRoleName } from './role-fields.js';
import type { AppRole } from './approle-types.js';

const NAME = '(?<name>\\w(?:[\\w.@-]*\\w)?)';

/** The per-field endpoints (`role/:name/<segment>`), so ACLs can delegate one field: the
 * request field each one sets and the read fields it shows. */
const FIELD_PATHS: Readonly<Record<string, { readonly field: string; readonly shows: readonly string[] }>> = {
  policies: { field: 'token_policies', shows: ['policies', 'token_policies'] },
  'secret-id-num-uses': { field: 'secret_id_num_uses', shows: ['secret_id_num_uses'] },
  'secret-id-ttl': { field: 'secret_id_ttl', shows: ['secret_id_ttl'] },
  'token-ttl': { field: 'token_ttl', shows: ['token_ttl'] },
  'token-max-ttl': { field: 'token_max_ttl', shows: ['token_max_ttl'] },
  'token-num-uses': { field: 'token_num_uses', shows: ['token_num_uses'] },
  'bind-secret-id': { field: 'bind_secret_id', shows: ['bind_secret_id'] },
  'secret-id-bound-cidrs': { field: 'secret_id_bound_cidrs', shows: ['secret_id_bound_cidrs'] },
  'token-bound-cidrs': { field: 'token_bound_cidrs', shows: ['token_bound_cidrs'] },
  period: { field: 'token_period', shows: ['period', 'token_period'] },
};

/** The default value of one role field, as a request would give it (for per-field DELETE). */
function defaultFieldValue(field: string): unknown {
  return roleResponseData(defaultRole('x'))[field];
}

function fieldView(role: AppRole, shows: readonly string[]): Record<string, unknown> {
  const all = roleResponseData(role);
  const out: Record<string, unknown> = {};
  for (const name of shows) out[name] = all[name === 'policies' ? 'token_policies' : name === 'period' ? 'token_period' : name];
  return out;
}

export function rolePaths(ctx: AppRoleContext): PathDeclaration<AuthRequest>[] {
  const { store, lock } = ctx;

  /** Sets one field (given under its own name, or under the segment's legacy name). */
  const setField = (name: string, field: string, data: Readonly<Record<string, unknown>>) =>
    lock.run(roleLockKey(name), async () => {
      const role = await requireRole(ctx, name);
      const legacy = field === 'token_policies' ? 'policies' : field === 'token_period' ? 'period' : field;
      const value = data[field] ?? data[legacy];
      if (value === undefined || value === null) throw badRequest(`missing ${field}`);
      const updated = applyRoleFields(name, role, { [field]: value });
      await store.commit([putOp(roleKey(name), updated)]);
      return {};
    });

  return [
    definePath<AuthRequest>({
      pattern: /^role\/?$/,
      summary: 'List the AppRoles of this mount.',
      operations: {
        list: async () => {
          const keys = await store.listRoles();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/role-id$`),
      summary: "Read or set a role's role ID.",
      operations: {
        read: async (_req, { name }) => {
          const role = await requireRole(ctx, name!);
          return { data: { role_id: role.roleId } };
        },
        update: async (req, { name }) =>
          lock.run(roleLockKey(name!), async () => {
            const role = await requireRole(ctx, name!);
            const roleId = readString(req.data, 'role_id').trim();
            if (roleId === '') throw badRequest('missing role_id');
            if (roleId === role.roleId) return {};
            return lock.run(roleIdLockKey(store.hashRoleId(roleId)), async () => {
              if ((await store.roleNameById(roleId)) !== undefined) throw badRequest('role_id already in use');
              await store.commit([
                deleteOp(roleIdKey(store.hashRoleId(role.roleId))),
                putOp(roleIdKey(store.hashRoleId(roleId)), { name: role.name }),
                putOp(roleKey(role.name), { ...role, roleId }),
              ]);
              return {};
            });
          }),
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/(?<segment>${Object.keys(FIELD_PATHS).join('|')})$`),
      summary: 'Read, set or reset one field of an AppRole.',
      operations: {
        read: async (_req, { name, segment }) => {
          const role = await requireRole(ctx, name!);
          return { data: fieldView(role, FIELD_PATHS[segment!]!.shows) };
        },
        update: async (req, { name, segment }) => setField(name!, FIELD_PATHS[segment!]!.field, req.data),
        delete: async (_req, { name, segment }) => {
          const { field } = FIELD_PATHS[segment!]!;
          return setField(name!, field, { [field]: defaultFieldValue(field) });
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}$`),
      summary: 'Create, update, read or delete an AppRole.',
      operations: {
        read: async (_req, { name }) => {
          const role = await store.getRole(name!);
          if (!role) throw notFound();
          return { data: roleResponseData(role) };
        },
        update: async (req, { name }) =>
          lock.run(roleLockKey(name!), async () => {
            validateRoleName(name!);
            const current = await store.getRole(name!);
            const role = applyRoleFields(name!, current, req.data);
            if (current) {
              await store.commit([putOp(roleKey(role.name), role)]);
              return {};
            }
            const roleIdHash = store.hashRoleId(role.roleId);
            return lock.run(roleIdLockKey(roleIdHash), async () => {
              if ((await store.roleNameById(role.roleId)) !== undefined) throw badRequest('role_id already in use');
              await store.commit([putOp(roleKey(role.name), role), putOp(roleIdKey(roleIdHash), { name: role.name })]);
              return {};
            });
          }),
        delete: async (_req, { name }) =>
          lock.run(roleLockKey(name!), async () => {
            const role = await store.getRole(name!);
            if (!role) return {};
            await store.commit([
              ...(await store.deleteAllSecretIdsOps(role.uuid)),
              deleteOp(roleIdKey(store.hashRoleId(role.roleId))),
              deleteOp(roleKey(role.name)),
            ]);
            return {};
          }),
      },
    }),
  ];
}
