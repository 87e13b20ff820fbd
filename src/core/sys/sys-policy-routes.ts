/**
 * @module ACL policy routes: the current `sys/policies/acl/*` and the legacy `sys/policy/*`
 * (whose answers also carry their data at the top level, as hvac's older calls expect).
 */
import { HushError } from '../../lib/errors.js';
import { defineSysRoutes } from './sys-context.js';
import type { SysHandler, SysRequest } from './sys-context.js';

function policyText(data: SysRequest['data']): string {
  const text = data.policy ?? data.rules;
  if (typeof text !== 'string') throw new HushError('bad_request', "'policy' parameter not supplied or empty");
  return text;
}

async function readPolicy(req: SysRequest, name: string): Promise<string> {
  const text = await req.services.policies().read(name);
  if (text === undefined) throw new HushError('not_found', '');
  return text;
}

/** Writing and deleting a named policy: the same through the current and the legacy paths. */
const writePolicy: SysHandler = async ({ services, data }, { name }) => {
  await services.policies().write(name!, policyText(data));
  return {};
};

const deletePolicy: SysHandler = async ({ services }, { name }) => {
  await services.policies().delete(name!);
  return {};
};

export const policyRoutes = defineSysRoutes([
  {
    pattern: /^policy\/?$/,
    summary: 'List ACL policies (legacy form).',
    operations: {
      read: async ({ services }) => {
        const names = await services.policies().list();
        return { data: { keys: names, policies: names }, copyDataToTopLevel: true };
      },
    },
  },
  {
    pattern: /^policy\/(?<name>[^/]+)$/,
    summary: 'Read, write or delete an ACL policy (legacy form).',
    operations: {
      read: async (req, { name }) => {
        const rules = await readPolicy(req, name!);
        return { data: { name: name!.toLowerCase(), rules }, copyDataToTopLevel: true };
      },
      update: writePolicy,
      delete: deletePolicy,
    },
  },
  {
    pattern: /^policies\/acl\/?$/,
    summary: 'List ACL policies.',
    operations: {
      list: async ({ services }) => ({ data: { keys: await services.policies().list() } }),
      read: async ({ services }) => ({ data: { keys: await services.policies().list() } }),
    },
  },
  {
    pattern: /^policies\/acl\/(?<name>[^/]+)$/,
    summary: 'Read, write or delete an ACL policy.',
    operations: {
      read: async (req, { name }) => ({ data: { name: name!.toLowerCase(), policy: await readPolicy(req, name!) } }),
      update: writePolicy,
      delete: deletePolicy,
    },
  },
]);
