/**
 * @module `sys/wrapping/*`: unwrap, lookup and rewrap take the wrapping token itself (as the
 * client token or in the body) and need no other credential; `wrap` wraps arbitrary data for
 * an authenticated caller.
 */
import { HushError } from '../../lib/errors.js';
import { DEFAULT_WRAP_TTL_SECONDS } from '../response-wrapping.js';
import { defineSysRoutes } from './sys-context.js';
import type { SysRequest } from './sys-context.js';

/** The wrapping token: `token` in the body wins over the client token, as in Vault. */
function wrappingToken(req: SysRequest): string {
  const fromBody = req.data.token;
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  return req.request.clientToken ?? '';
}

export const wrappingRoutes = defineSysRoutes([
  {
    pattern: /^wrapping\/unwrap$/,
    summary: 'Return a wrapped response once and spend the wrapping token.',
    unauthenticated: true,
    operations: { update: async (req) => req.services.wrapping().unwrap(wrappingToken(req)) },
  },
  {
    pattern: /^wrapping\/lookup$/,
    summary: "A wrapping token's creation path, time and TTL, without spending it.",
    unauthenticated: true,
    operations: {
      update: async (req) => req.services.wrapping().lookup(wrappingToken(req)),
      read: async (req) => req.services.wrapping().lookup(wrappingToken(req)),
    },
  },
  {
    pattern: /^wrapping\/rewrap$/,
    summary: 'Move a wrapped response to a new wrapping token.',
    unauthenticated: true,
    operations: { update: async (req) => req.services.wrapping().rewrap(wrappingToken(req)) },
  },
  {
    pattern: /^wrapping\/wrap$/,
    summary: 'Wrap the request body in a new wrapping token.',
    operations: {
      update: async (req) => {
        if (Object.keys(req.data).length === 0) throw new HushError('bad_request', 'empty request body');
        return req.services
          .wrapping()
          .wrap({ data: req.data }, req.request.wrapTtlSeconds ?? DEFAULT_WRAP_TTL_SECONDS, 'sys/wrapping/wrap');
      },
    },
  },
]);
