/**
 * @module `sys/auth`: enabling, listing, tuning and disabling auth methods. The token method is
 * built in at `token/` and cannot be disabled; disabling another revokes the tokens it issued.
 */
import { HushError } from '../../lib/errors.js';
import { normalizeMountPath } from '../router/mount-table.js';
import { revokeTokenLeases } from '../../leases/token-leases.js';
import { defineSysRoutes } from './sys-context.js';
import { checkTokenTypeTuning, renderMount, renderTuning, stringMap, tuningFrom } from './mount-fields.js';

export const authRoutes = defineSysRoutes([
  {
    pattern: /^auth\/?$/,
    summary: 'List the enabled auth methods.',
    operations: {
      read: async ({ services }) => ({
        data: Object.fromEntries(services.authMounts().entries().map((e) => [e.path, renderMount(e, true)])),
        copyDataToTopLevel: true,
      }),
    },
  },
  {
    pattern: /^auth\/(?<path>.+?)\/tune\/?$/,
    summary: "Read or change an auth method's tuning.",
    sudo: true,
    operations: {
      read: async ({ services }, { path }) => {
        const entry = services.authMounts().get(normalizeMountPath(path!));
        if (!entry) throw new HushError('bad_request', `cannot fetch sysview for path "auth/${path}/"`);
        return { data: renderTuning(entry, true), copyDataToTopLevel: true };
      },
      update: async ({ services, data }, { path }) => {
        const key = normalizeMountPath(path!);
        const entry = services.authMounts().get(key);
        if (!entry) throw new HushError('bad_request', `no auth method at "auth/${key}"`);
        const tuning = tuningFrom(data);
        checkTokenTypeTuning(tuning, { auth: true, type: entry.type });
        await services.authMounts().update(key, (e) => ({
          ...e,
          description: typeof data.description === 'string' ? data.description : e.description,
          config: { ...e.config, ...tuning },
        }));
        return {};
      },
    },
  },
  {
    pattern: /^auth\/(?<path>.+)$/,
    summary: 'Enable, read or disable an auth method at a path.',
    sudo: true,
    operations: {
      read: async ({ services }, { path }) => {
        const entry = services.authMounts().get(normalizeMountPath(path!));
        if (!entry) throw new HushError('bad_request', `No auth engine at auth/${path}/`);
        return { data: renderMount(entry, true) };
      },
      update: async ({ services, data }, { path }) => {
        const type = data.type;
        if (typeof type !== 'string' || type === '') throw new HushError('bad_request', 'missing required field "type"');
        if (type === 'token') throw new HushError('bad_request', 'token credential backend cannot be instantiated');
        services.authRegistry.get(type); // unknown types fail before anything is written
        const config = tuningFrom(data.config);
        checkTokenTypeTuning(config, { auth: true, type });
        const entry = await services.authMounts().add({
          path: normalizeMountPath(path!),
          type,
          description: typeof data.description === 'string' ? data.description : '',
          options: stringMap(data.options, 'options'),
          config,
          local: data.local === true,
        });
        try {
          await services.startAuthMethod(entry);
        } catch (err) {
          await services.authMounts().remove(entry.path);
          throw err;
        }
        return {};
      },
      delete: async ({ services }, { path }) => {
        const mounts = services.authMounts();
        const entry = mounts.get(normalizeMountPath(path!));
        if (!entry) return {};
        if (entry.builtin) throw new HushError('bad_request', 'token credential backend cannot be disabled');
        // Vault's rule: disabling a method logs out everyone it logged in. Once the mount is gone
        // the core refuses its tokens (batch ones included) while they are revoked.
        await mounts.remove(entry.path);
        await revokeTokenLeases(services.tokens(), `auth/${entry.path}`);
        await services.destroyMountData(entry, 'auth');
        return {};
      },
    },
  },
]);
