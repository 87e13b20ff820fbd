/**
 * @module How the core finds the handler of a request: the `sys/` route table, the auth method
 * mounted at `auth/<path>`, and the shapes handed to and taken from engines and methods.
 */
import { HushError } from '../lib/errors.js';
import type { EngineResponse } from '../engines/engine.js';
import type { AuthMethod, AuthRequest } from '../auth/methods/auth-method.js';
import type { CoreRequest, CoreResponse } from './request.js';
import type { MountEntry } from './router/mount-table.js';
import { sysRoutes } from './sys/sys-routes.js';
import type { SysRoute } from './sys/sys-context.js';
import type { UnsealedState } from './unsealed-state.js';

export interface SysMatch {
  readonly route: SysRoute;
  readonly params: Record<string, string>;
}

export function matchSysRoute(sub: string): SysMatch | undefined {
  for (const route of sysRoutes) {
    const m = route.pattern.exec(sub);
    if (m) return { route, params: { ...(m.groups ?? {}) } };
  }
  return undefined;
}

export interface AuthRoute {
  readonly entry: MountEntry;
  readonly method: AuthMethod;
  readonly rest: string;
}

/** The auth method mounted at `auth/<path>` (not the built-in token method). */
export function matchAuthMethod(path: string, state: UnsealedState): AuthRoute | undefined {
  if (!path.startsWith('auth/')) return undefined;
  const routed = state.authMounts.match(path.slice(5));
  if (!routed || routed.entry.type === 'token') return undefined;
  const method = state.authMethods.get(routed.entry.uuid);
  if (!method) throw new HushError('internal', 'auth mount has no running method');
  return { entry: routed.entry, method, rest: routed.rest };
}

export function authRequestOf(req: CoreRequest, route: AuthRoute): AuthRequest {
  return {
    id: req.id,
    operation: req.operation,
    path: route.rest,
    data: req.data,
    query: req.query,
    headers: req.headers,
    mountPoint: route.entry.path,
    remoteAddress: req.remoteAddress,
  };
}

/** An engine's (or auth method's) answer in the core's response shape. */
export function engineResult(res: EngineResponse): CoreResponse {
  return {
    status: res.status,
    data: res.data ?? null,
    warnings: res.warnings ?? null,
    errors: res.errors,
    renewable: res.lease?.renewable,
    leaseDuration: res.lease?.ttlSeconds,
  };
}

/** Token routes that also need `sudo` (Vault marks these root-protected). */
export const TOKEN_SUDO_PATHS = new Set(['create-orphan', 'revoke-orphan', 'accessors', 'accessors/']);

