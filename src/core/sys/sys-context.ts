/**
 * @module What a `sys/` route handler sees: the request, the caller and the core's services.
 * Handlers are declared as data in the `sys-*-routes.ts` files and dispatched by the core.
 */
import type { Operation, CoreRequest, CoreResponse } from '../request.js';
import type { CoreServices } from '../core-services.js';
import type { TokenEntry } from '../../auth/token-types.js';

export interface SysRequest {
  readonly operation: Operation;
  /** Path below `sys/`. */
  readonly path: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly request: CoreRequest;
  /** The calling token; undefined only on unauthenticated routes. */
  readonly caller: TokenEntry | undefined;
  readonly services: CoreServices;
}

export type SysHandler = (req: SysRequest, params: Readonly<Record<string, string>>) => Promise<CoreResponse>;

export interface SysRoute {
  readonly pattern: RegExp;
  readonly summary: string;
  /** Policy needs `sudo` on this path as well as the operation's capability: for every
   * operation (`true`) or for those listed. */
  readonly sudo?: boolean | readonly Operation[];
  /** Answered without a token (status and unseal routes). */
  readonly unauthenticated?: boolean;
  /** Needs a valid token but no policy grant (what the CLI asks before every `kv` command). */
  readonly anyToken?: boolean;
  /** Answered while sealed (status routes). */
  readonly whileSealed?: boolean;
  readonly operations: Partial<Record<Operation, SysHandler>>;
}

/** Whether `operation` on `route` needs `sudo`. */
export function needsSudo(route: SysRoute, operation: Operation): boolean {
  return Array.isArray(route.sudo) ? route.sudo.includes(operation) : route.sudo === true;
}

export function defineSysRoutes(routes: readonly SysRoute[]): readonly SysRoute[] {
  return routes;
}
