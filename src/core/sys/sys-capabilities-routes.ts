/**
 * @module `sys/capabilities-self`, `sys/capabilities` and `sys/capabilities-accessor`: which
 * capabilities a token has on some paths. Answers carry one key per path plus `capabilities`
 * (for the first path) at the top level, as Vault does.
 */
import { HushError } from '../../lib/errors.js';
import type { TokenEntry } from '../../auth/token-types.js';
import type { CoreResponse } from '../request.js';
import { defineSysRoutes } from './sys-context.js';
import type { SysRequest } from './sys-context.js';

function pathsOf(data: SysRequest['data']): string[] {
  const raw = data.paths ?? data.path;
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [];
  if (list.length === 0 || list.some((p) => p === '')) throw new HushError('bad_request', '"paths" must be provided');
  return list;
}

async function answer(req: SysRequest, entry: TokenEntry): Promise<CoreResponse> {
  const acl = await req.services.policies().aclFor(entry.policies);
  const out: Record<string, unknown> = {};
  const paths = pathsOf(req.data);
  for (const p of paths) out[p] = acl.capabilities(p.replace(/^\/+/, ''));
  out.capabilities = out[paths[0]!];
  return { data: out, copyDataToTopLevel: true };
}

export const capabilitiesRoutes = defineSysRoutes([
  {
    pattern: /^capabilities-self$/,
    summary: "The calling token's capabilities on the given paths.",
    operations: { update: async (req) => answer(req, req.caller!) },
  },
  {
    pattern: /^capabilities$/,
    summary: "Another token's capabilities on the given paths.",
    operations: {
      update: async (req) => {
        const token = req.data.token;
        if (typeof token !== 'string' || token === '') throw new HushError('bad_request', '"token" is required');
        const entry = await req.services.tokens().lookup(token);
        if (!entry) throw new HushError('bad_request', 'invalid token');
        return answer(req, entry);
      },
    },
  },
  {
    pattern: /^capabilities-accessor$/,
    summary: "A token's capabilities, found by accessor.",
    operations: {
      update: async (req) => {
        const accessor = req.data.accessor;
        if (typeof accessor !== 'string' || accessor === '') throw new HushError('bad_request', '"accessor" is required');
        const entry = await req.services.tokens().lookupByAccessor(accessor);
        if (!entry) throw new HushError('bad_request', 'invalid accessor');
        return answer(req, entry);
      },
    },
  },
]);
