/**
 * @module The secret-ID paths of AppRole: generate (`secret-id`, POST) and list accessors
 * (`secret-id`, LIST), `custom-secret-id`, lookup and destroy by secret ID or by accessor.
 * A secret ID is returned once, at creation; afterwards only its HMAC exists. Lookups of a
 * secret ID nobody holds answer 204 with no data, as Vault does.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from '../../../lib/errors.js';
import type { EngineResponse } from '../../../engines/engine.js';
import { definePath } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import { readString } from '../../token-fields.js';
import type { AuthRequest } from '../auth-method.js';
import { requireRole, roleLockKey, secretLockKey } from './approle-context.js';
import type { AppRoleContext } from './approle-context.js';
import { accessorKey, putOp, secretIdKey } from './approle-store.js';
import type { AppRole, SecretIdEntry } from './approle-types.js';
import { isExpired, readSecretIdOptions, secretIdLookupData } from './secret-id-fields.js';

const NAME = '(?<name>\\w(?:[\\w.@-]*\\w)?)';

export function secretIdPaths(ctx: AppRoleContext): PathDeclaration<AuthRequest>[] {
  const { store, lock, now } = ctx;

  /** Stores a new secret ID for `role`; refuses one already registered. */
  async function issue(role: AppRole, secretId: string, req: AuthRequest): Promise<EngineResponse> {
    if (!role.bindSecretId) throw badRequest('bind_secret_id is not set on the role');
    const opts = readSecretIdOptions(role, req.data);
    const hash = store.hashSecretId(secretId);
    return lock.run(secretLockKey(role.uuid, hash), async () => {
      if ((await store.getSecretId(role.uuid, hash)) !== undefined) throw badRequest('SecretID is already registered');
      const t = now();
      const entry: SecretIdEntry = {
        accessor: randomUUID(),
        numUses: opts.numUses,
        ttl: opts.ttl,
        creationTime: t,
        expirationTime: opts.ttl > 0 ? t + opts.ttl * 1000 : 0,
        lastUpdatedTime: t,
        metadata: opts.metadata,
        cidrList: opts.cidrList,
        tokenBoundCidrs: opts.tokenBoundCidrs,
      };
      await store.commit([
        putOp(secretIdKey(role.uuid, hash), entry),
        putOp(accessorKey(role.uuid, entry.accessor), { secretIdHash: hash }),
      ]);
      return {
        data: {
          secret_id: secretId,
          secret_id_accessor: entry.accessor,
          secret_id_ttl: entry.ttl,
          secret_id_num_uses: entry.numUses,
        },
      };
    });
  }

  /** The entry behind a secret ID, or undefined (expired ones count as gone). */
  async function bySecretId(role: AppRole, secretId: string): Promise<{ hash: string; entry: SecretIdEntry } | undefined> {
    const hash = store.hashSecretId(secretId);
    const entry = await store.getSecretId(role.uuid, hash);
    return entry && !isExpired(entry, now()) ? { hash, entry } : undefined;
  }

  async function byAccessor(role: AppRole, accessor: string): Promise<{ hash: string; entry: SecretIdEntry }> {
    const index = await store.getAccessor(role.uuid, accessor);
    const entry = index && (await store.getSecretId(role.uuid, index.secretIdHash));
    if (!index || !entry) {
      throw badRequest(`failed to find accessor entry for secret_id_accessor: ${JSON.stringify(accessor.slice(0, 64))}`);
    }
    return { hash: index.secretIdHash, entry };
  }

  const requiredSecretId = (req: AuthRequest) => {
    const secretId = readString(req.data, 'secret_id');
    if (secretId === '') throw badRequest('missing secret_id');
    return secretId;
  };
  const requiredAccessor = (req: AuthRequest) => {
    const accessor = readString(req.data, 'secret_id_accessor').trim();
    if (accessor === '') throw badRequest('missing secret_id_accessor');
    return accessor;
  };

  const destroy = async (role: AppRole, hash: string, accessor: string) =>
    lock.run(secretLockKey(role.uuid, hash), () => store.commit(store.deleteSecretIdOps(role.uuid, hash, accessor)));

  const destroyBySecretId = async (req: AuthRequest, { name }: Readonly<Record<string, string>>) => {
    const role = await requireRole(ctx, name!);
    const hash = store.hashSecretId(requiredSecretId(req));
    const entry = await store.getSecretId(role.uuid, hash);
    if (entry) await destroy(role, hash, entry.accessor);
    return {};
  };
  const destroyByAccessor = async (req: AuthRequest, { name }: Readonly<Record<string, string>>) => {
    const role = await requireRole(ctx, name!);
    const accessor = requiredAccessor(req);
    const { hash } = await byAccessor(role, accessor);
    await destroy(role, hash, accessor);
    return {};
  };

  return [
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/secret-id/?$`),
      summary: 'Generate a secret ID for a role (POST) or list its accessors (LIST).',
      operations: {
        update: async (req, { name }) =>
          lock.run(roleLockKey(name!), async () => issue(await requireRole(ctx, name!), randomUUID(), req)),
        list: async (_req, { name }) => {
          const role = await requireRole(ctx, name!);
          const keys = await store.listAccessors(role.uuid);
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/custom-secret-id$`),
      summary: 'Register a secret ID chosen by the caller (the "push" model).',
      operations: {
        update: async (req, { name }) =>
          lock.run(roleLockKey(name!), async () => issue(await requireRole(ctx, name!), requiredSecretId(req), req)),
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/secret-id/lookup/?$`),
      summary: 'Show the properties of a secret ID.',
      operations: {
        update: async (req, { name }) => {
          const role = await requireRole(ctx, name!);
          const found = await bySecretId(role, requiredSecretId(req));
          return found ? { data: secretIdLookupData(found.entry) } : { status: 204 };
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/secret-id/destroy/?$`),
      summary: 'Destroy a secret ID.',
      operations: { update: destroyBySecretId, delete: destroyBySecretId },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/secret-id-accessor/lookup/?$`),
      summary: 'Show the properties of a secret ID by its accessor.',
      operations: {
        update: async (req, { name }) => {
          const role = await requireRole(ctx, name!);
          const { entry } = await byAccessor(role, requiredAccessor(req));
          return { data: secretIdLookupData(entry) };
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: new RegExp(`^role/${NAME}/secret-id-accessor/destroy/?$`),
      summary: 'Destroy a secret ID by its accessor.',
      operations: { update: destroyByAccessor, delete: destroyByAccessor },
    }),
  ];
}
