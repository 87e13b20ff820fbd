/**
 * @module `sys/mounts`, `sys/remount` and `sys/internal/ui/mounts`: enabling, listing, tuning
 * and disabling secrets engines. Listings copy their data to the top level as Vault does.
 */
import { HushError } from '../../lib/errors.js';
import { normalizeMountPath } from '../router/mount-table.js';
import type { MountEntry } from '../router/mount-table.js';
import { hasAccessBelow } from '../../policy/mount-access.js';
import { defineSysRoutes } from './sys-context.js';
import { checkTokenTypeTuning, normalizeEngineType, renderMount, renderTuning, stringMap, tuningFrom } from './mount-fields.js';

function listing(entries: MountEntry[]): Record<string, unknown> {
  return Object.fromEntries(entries.map((e) => [e.path, renderMount(e)]));
}

export const mountRoutes = defineSysRoutes([
  {
    pattern: /^mounts\/?$/,
    summary: 'List the mounted secrets engines.',
    operations: {
      read: async ({ services }) => ({ data: listing(services.mounts().entries()), copyDataToTopLevel: true }),
    },
  },
  {
    pattern: /^mounts\/(?<path>.+?)\/tune\/?$/,
    summary: "Read or change a secrets engine's tuning.",
    operations: {
      read: async ({ services }, { path }) => {
        const entry = services.mounts().get(normalizeMountPath(path!));
        if (!entry) throw new HushError('bad_request', `cannot fetch sysview for path "${path}/"`);
        return { data: renderTuning(entry), copyDataToTopLevel: true };
      },
      update: async ({ services, data }, { path }) => {
        const mounts = services.mounts();
        const key = normalizeMountPath(path!);
        const entry = mounts.get(key);
        if (!entry) throw new HushError('bad_request', `cannot tune "${key}": no mount there`);
        const options = stringMap(data.options, 'options');
        if (entry.type === 'kv' && options.version !== undefined && options.version < (entry.options.version ?? '1')) {
          throw new HushError('bad_request', 'cannot downgrade a KV mount');
        }
        const tuning = tuningFrom(data);
        checkTokenTypeTuning(tuning, { auth: false, type: entry.type });
        const updated = await mounts.update(key, (e) => ({
          ...e,
          description: typeof data.description === 'string' ? data.description : e.description,
          options: { ...e.options, ...options },
          config: { ...e.config, ...tuning },
        }));
        if (options.version !== undefined) await services.startEngine(updated);
        return {};
      },
    },
  },
  {
    pattern: /^mounts\/(?<path>.+)$/,
    summary: 'Enable, read or disable a secrets engine at a path.',
    operations: {
      read: async ({ services }, { path }) => {
        const entry = services.mounts().get(normalizeMountPath(path!));
        if (!entry) throw new HushError('bad_request', `No secret engine mount at ${path}/`);
        return { data: renderMount(entry) };
      },
      update: async ({ services, data }, { path }) => {
        const { type, options } = normalizeEngineType(data.type, stringMap(data.options, 'options'));
        if (type === 'system' || type === 'cubbyhole' || type === 'token') {
          throw new HushError('bad_request', `cannot mount "${type}" of type "${type}"`);
        }
        services.engineRegistry.get(type); // unknown types fail before anything is written
        const key = normalizeMountPath(path!);
        if (key === 'sys/' || key.startsWith('auth/') || key === 'cubbyhole/' || key === 'identity/') {
          throw new HushError('bad_request', `cannot mount at reserved path "${key}"`);
        }
        const config = tuningFrom(data.config);
        checkTokenTypeTuning(config, { auth: false, type });
        const entry = await services.mounts().add({
          path: key,
          type,
          description: typeof data.description === 'string' ? data.description : '',
          options,
          config,
          local: data.local === true,
          sealWrap: data.seal_wrap === true,
        });
        try {
          await services.startEngine(entry);
        } catch (err) {
          await services.mounts().remove(entry.path);
          throw err;
        }
        return {};
      },
      delete: async ({ services }, { path }) => {
        const mounts = services.mounts();
        const entry = mounts.get(normalizeMountPath(path!));
        if (!entry) return {};
        if (entry.builtin) throw new HushError('bad_request', `cannot unmount "${entry.path}"`);
        await mounts.remove(entry.path);
        await services.destroyMountData(entry, 'logical');
        return {};
      },
    },
  },
  {
    pattern: /^remount$/,
    summary: 'Move a secrets engine to a new path, keeping its data.',
    operations: {
      update: async ({ services, data }) => {
        if (typeof data.from !== 'string' || typeof data.to !== 'string') {
          throw new HushError('bad_request', '"from" and "to" are required');
        }
        const from = normalizeMountPath(data.from);
        const entry = services.mounts().get(from);
        if (!entry || entry.builtin) throw new HushError('bad_request', `cannot remount "${from}"`);
        const moved = await services.mounts().move(from, data.to);
        await services.startEngine(moved);
        return { data: { migration_id: moved.uuid } };
      },
    },
  },
  {
    pattern: /^internal\/ui\/mounts\/?$/,
    summary: 'Mounts visible to the caller, for UIs and the CLI.',
    operations: {
      read: async ({ services }) => ({
        data: { secret: listing(services.mounts().entries()), auth: listing(services.authMounts().entries()) },
      }),
    },
  },
  {
    pattern: /^internal\/ui\/mounts\/(?<path>.+)$/,
    summary: 'The mount serving a path (the `vault kv` pre-flight check).',
    // Not checked against the path itself: as Vault, any token with some access below the mount
    // may learn the mount's path, type and KV version; others get 403.
    anyToken: true,
    operations: {
      read: async ({ services, caller }, { path }) => {
        const routed = services.mounts().match(path!);
        const allowed = routed !== undefined && caller !== undefined &&
          hasAccessBelow(await services.policies().aclFor(caller.policies), routed.entry.path);
        if (!routed || !allowed) throw new HushError('permission_denied', `Preflight capability check returned 403, please ensure client's policies grant access to path "${path}/"`);
        return { data: { ...renderMount(routed.entry), path: routed.entry.path } };
      },
    },
  },
]);
