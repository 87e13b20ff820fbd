/**
 * @module `sys/audit` (enable, list, disable audit devices; sudo) and `sys/audit-hash`.
 */
import { HushError } from '../../lib/errors.js';
import { normalizeMountPath } from '../router/mount-table.js';
import { defineSysRoutes } from './sys-context.js';
import { stringMap } from './mount-fields.js';

export const auditRoutes = defineSysRoutes([
  {
    pattern: /^audit\/?$/,
    summary: 'List the enabled audit devices.',
    sudo: true,
    operations: {
      read: async ({ services }) => ({ data: services.audit().list(), copyDataToTopLevel: true }),
    },
  },
  {
    pattern: /^audit\/(?<path>.+)$/,
    summary: 'Enable or disable an audit device.',
    sudo: true,
    operations: {
      update: async ({ services, data }, { path }) => {
        if (typeof data.type !== 'string' || data.type === '') throw new HushError('bad_request', 'missing required field "type"');
        await services.audit().enable(
          normalizeMountPath(path!),
          data.type,
          stringMap(data.options, 'options'),
          typeof data.description === 'string' ? data.description : '',
        );
        return {};
      },
      delete: async ({ services }, { path }) => {
        await services.audit().disable(normalizeMountPath(path!));
        return {};
      },
    },
  },
  {
    pattern: /^audit-hash\/(?<path>.+)$/,
    summary: "Hash a value with an audit device's salt, to find it in the log.",
    operations: {
      update: async ({ services, data }, { path }) => {
        if (typeof data.input !== 'string') throw new HushError('bad_request', 'the "input" parameter is required');
        const hash = await services.audit().hash(normalizeMountPath(path!), data.input);
        return { data: { hash }, copyDataToTopLevel: true };
      },
    },
  },
]);
