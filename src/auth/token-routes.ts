/**
 * @module The `auth/token/*` routes as a path table, with Vault's rules and response shapes.
 * The core has already checked the caller's token, counted its use and checked its policy for
 * the path; these handlers add the token method's own rules:
 *
 * - A non-root caller may only give a new token policies it holds itself (sudo lifts this), and
 *   only a root caller may create a `root` token.
 * - `no_parent`, `id` and `period` need root or sudo on the create path. `create-orphan` needs
 *   only the policy on its own path, as in Vault.
 * - `revoke-orphan` and `accessors` are root-protected: root or sudo.
 * - `lookup` returns `id` only when the caller supplied the token; `lookup-accessor` returns
 *   `id: ""`.
 * - `type: "batch"` creates a batch token (not stored, not renewable, no accessor); it cannot
 *   have `explicit_max_ttl`, `num_uses` or `period`, nor be a root token. A batch token cannot
 *   create tokens, and the store refuses to renew or revoke one (Vault's messages).
 * - `create/:role` creates through a token role (`token-role.ts`): the role decides the
 *   policies (`token-role-policies.ts`), the kind, orphan and renewable; its period, explicit
 *   max TTL and use limit apply, the lesser winning when the request gives one too (with
 *   Vault's warning); its `path_suffix` is added to the token's path. `no_parent` is ignored.
 *   Renewing such a token applies the role's current period and explicit max TTL, and fails once
 *   the role is deleted.
 *
 * @example
 * ```ts
 * const routes = createTokenRoutes({ store });
 * const res = await routes.handle({ operation: 'update', path: 'create', data: { ttl: '1h' }, … });
 * res.auth?.client_token; // "hvs.…"
 * ```
 */
import { badRequest, notFound, permissionDenied } from '../lib/errors.js';
import { definePath, dispatch } from '../engines/path-table.js';
import type { PathDeclaration } from '../engines/path-table.js';
import { readBool, readDuration, readInt, readString, readStringList, readStringMap } from './token-fields.js';
import { constantTimeEqual } from './token-format.js';
import { toLookupData, toResponseAuth } from './token-response.js';
import { parseTokenRole, renderTokenRole, roleTokenType } from './token-role.js';
import type { TokenRole, TokenRoleStore } from './token-role.js';
import { roleTokenPolicies } from './token-role-policies.js';
import { sanitizePolicies } from './token-store.js';
import type { RenewalLimits, TokenEntry, TokenRequestContext, TokenRouteResponse, TokenStore, TokenType } from './token-types.js';

/** Mount path of the token method, with trailing slash. */
export const TOKEN_MOUNT = 'auth/token/';
/** Creation paths of tokens made through a role begin so (`auth/token/create/<role>[/<suffix>]`). */
const TOKEN_CREATE_PATH = `${TOKEN_MOUNT}create/`;

export interface TokenRoutesOptions {
  readonly store: TokenStore;
  readonly roles: TokenRoleStore;
  /** Runs (or joins) the sweep of expired tokens; resolves to how many it found invalid. */
  readonly sweep: () => Promise<number>;
}

export interface TokenRoutes {
  readonly paths: readonly PathDeclaration<TokenRequestContext>[];
  /** Routes a request below `auth/token/`; throws HushError (not_found, bad_request, …). */
  handle(ctx: TokenRequestContext): Promise<TokenRouteResponse>;
}

type Handler = (ctx: TokenRequestContext, params: Readonly<Record<string, string>>) => Promise<TokenRouteResponse>;

const NO_CONTENT: TokenRouteResponse = { status: 204 };
const ROOT_FROM_NON_ROOT = 'root tokens may not be created without parent token being root';

/** Vault prefixes requested display names with `token-` and replaces unusual characters. */
export function sanitizeDisplayName(name: string): string {
  if (name === '') return 'token';
  return `token-${name}`.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-+$/, '');
}

/** The `type` of a create request, `''` when not given. Vault accepts `service` and `batch`;
 * the `default*` names roles use are taken too, as the kind they name. */
function readTokenType(data: Readonly<Record<string, unknown>>): '' | TokenType {
  const type = readString(data, 'type');
  if (type === '') return '';
  if (type === 'batch' || type === 'default-batch') return 'batch';
  if (type === 'service' || type === 'default' || type === 'default-service') return 'service';
  throw badRequest(`invalid 'token_type' value ${JSON.stringify(type.slice(0, 32))}: use "service" or "batch"`);
}

/** A new token's limits (seconds, and a use count); 0 means none. */
interface Limits {
  readonly period: number;
  readonly explicitMaxTtl: number;
  readonly numUses: number;
}

/** The role's value where the request gives none, else the lesser of the two (with Vault's
 * warning); 0 means none. */
function lesserOf(fromRole: number, requested: number, warning: (n: number) => string, warnings: string[]): number {
  if (fromRole === 0) return requested;
  if (requested === 0) return fromRole;
  const lesser = Math.min(fromRole, requested);
  warnings.push(warning(lesser));
  return lesser;
}

/** The limits of a token made through `role`, given those the request asked for. */
function roleLimits(role: TokenRole, asked: Limits, warnings: string[]): Limits {
  return {
    explicitMaxTtl: lesserOf(role.tokenExplicitMaxTtl, asked.explicitMaxTtl, (n) => `Explicit max TTL specified both during creation call and in role; using the lesser value of ${n} seconds`, warnings),
    period: lesserOf(role.tokenPeriod, asked.period, (n) => `Period specified both during creation call and in role; using the lesser value of ${n} seconds`, warnings),
    numUses: lesserOf(role.tokenNumUses, asked.numUses, (n) => `Number of uses specified both during creation call and in role; using the lesser value of ${n}`, warnings),
  };
}

/** The creation path of a token made through `role`. */
function rolePath(role: TokenRole): string {
  return `${TOKEN_CREATE_PATH}${role.name}${role.pathSuffix === '' ? '' : `/${role.pathSuffix}`}`;
}

/** The role a token was made through, read back from its creation path (see {@link rolePath}). */
function roleNameOf(entry: TokenEntry): string | undefined {
  if (!entry.path.startsWith(TOKEN_CREATE_PATH)) return undefined;
  const name = entry.path.slice(TOKEN_CREATE_PATH.length).split('/')[0];
  return name === '' ? undefined : name;
}

/** Root, or sudo on the request's path (without a trailing slash). */
function isPrivileged(ctx: TokenRequestContext): boolean {
  return ctx.isRoot || ctx.hasSudo(TOKEN_MOUNT + ctx.path.replace(/\/+$/, ''));
}

export function createTokenRoutes(options: TokenRoutesOptions): TokenRoutes {
  const { store, roles } = options;

  /** The new token's policies without a role (or under a role that names none): a subset of
   * the caller's unless the caller is privileged; `default` is always allowed, since it is
   * added to every token anyway. */
  function childPolicies(ctx: TokenRequestContext, requested: readonly string[], noDefaultPolicy: boolean, privileged: boolean): string[] {
    const effective = sanitizePolicies(requested.length > 0 ? requested : ctx.caller.policies, !noDefaultPolicy);
    if (!ctx.isRoot && effective.includes('root')) throw badRequest(ROOT_FROM_NON_ROOT);
    if (!ctx.isRoot && !privileged) {
      const held = new Set([...ctx.caller.policies, 'default']);
      if (!effective.every((p) => held.has(p))) throw badRequest('child policies must be subset of parent');
    }
    return effective;
  }

  const createToken =
    (orphanEndpoint: boolean): Handler =>
    async (ctx, params) => {
      const role = params.role === undefined ? undefined : await roles.get(params.role);
      if (params.role !== undefined && role === undefined) throw badRequest(`unknown role ${params.role}`);
      const d = ctx.data;
      const privileged = isPrivileged(ctx);
      const caller = ctx.caller;
      if (caller.type === 'batch') throw badRequest('batch tokens cannot create more tokens');

      const noParent = role === undefined && readBool(d, 'no_parent');
      if (noParent && !orphanEndpoint && !privileged) {
        throw badRequest('root or sudo privileges required to create orphan token');
      }
      const id = readString(d, 'id');
      if (id !== '' && !privileged) throw badRequest('root or sudo privileges required to specify token id');
      const requestedType = readTokenType(d);
      const type = role === undefined ? requestedType || 'service' : roleTokenType(role, requestedType);
      const warnings: string[] = [];
      const asked: Limits = { period: readDuration(d, 'period'), explicitMaxTtl: readDuration(d, 'explicit_max_ttl'), numUses: readInt(d, 'num_uses') };
      if (type === 'batch') {
        const bad = asked.explicitMaxTtl !== 0 ? 'explicit_max_ttl' : asked.numUses !== 0 ? 'num_uses' : asked.period !== 0 ? 'period' : '';
        if (bad !== '') throw badRequest(`batch tokens cannot have "${bad}" set`);
      }
      if (asked.period > 0 && !privileged) throw badRequest('root or sudo privileges required to create periodic token');
      if (asked.numUses < 0) throw badRequest('number of uses cannot be negative');
      const { period, explicitMaxTtl, numUses } = role === undefined ? asked : roleLimits(role, asked, warnings);
      const noDefaultPolicy = readBool(d, 'no_default_policy') || (role?.tokenNoDefaultPolicy ?? false);
      const requested = readStringList(d, 'policies');
      const fromRole =
        role === undefined ? undefined : roleTokenPolicies(role, { requested, parentPolicies: caller.policies, noDefaultPolicy, privileged });
      if (fromRole !== undefined && fromRole.length === 0) throw badRequest('the role gives the token no policies: request some it allows');
      const policies = fromRole ?? childPolicies(ctx, requested, noDefaultPolicy, privileged);
      if (!ctx.isRoot && policies.includes('root')) throw badRequest(ROOT_FROM_NON_ROOT);

      const created = await store.create({
        policies,
        parent: caller,
        orphan: role === undefined ? orphanEndpoint || noParent : role.orphan,
        // `lease` is Vault's deprecated name for `ttl`.
        ttl: readDuration(d, d.ttl === undefined && d.lease !== undefined ? 'lease' : 'ttl'),
        explicitMaxTtl,
        period,
        numUses,
        metadata: readStringMap(d, 'meta'),
        displayName: sanitizeDisplayName(readString(d, 'display_name')),
        renewable: type === 'service' && readBool(d, 'renewable', true) && (role?.renewable ?? true),
        type,
        // a role's list is final: the store must neither add `default` nor take it away
        noDefaultPolicy: fromRole === undefined ? noDefaultPolicy : !fromRole.includes('default'),
        path: role === undefined ? TOKEN_MOUNT + ctx.path : rolePath(role),
        ...(role !== undefined && role.tokenBoundCidrs.length > 0 ? { boundCidrs: role.tokenBoundCidrs } : {}),
        ...(id !== '' ? { id } : {}),
      });
      const allWarnings = [...warnings, ...created.warnings];
      return {
        status: 200,
        auth: toResponseAuth(created.token, created.entry),
        ...(allWarnings.length > 0 ? { warnings: allWarnings } : {}),
      };
    };

  const readRole: Handler = async (_ctx, params) => {
    const role = await roles.get(params.name!);
    if (!role) throw notFound();
    return { data: renderTokenRole(role) };
  };

  const writeRole: Handler = async (ctx, params) => {
    await roles.put(parseTokenRole(params.name!, ctx.data, await roles.get(params.name!)));
    return NO_CONTENT;
  };

  const deleteRole: Handler = async (_ctx, params) => {
    await roles.delete(params.name!);
    return NO_CONTENT;
  };

  const listRoles: Handler = async () => {
    const keys = await roles.list();
    if (keys.length === 0) throw notFound();
    return { data: { keys } };
  };

  /** The entry for a token the caller supplied, or the caller's own when it is the caller. */
  async function findToken(ctx: TokenRequestContext, token: string): Promise<TokenEntry | undefined> {
    if (constantTimeEqual(token, ctx.callerToken)) return ctx.caller;
    return store.lookup(token);
  }

  async function findAccessor(ctx: TokenRequestContext, params: Readonly<Record<string, string>>) {
    const accessor = params.accessor ?? readString(ctx.data, 'accessor');
    if (accessor === '') throw badRequest('missing accessor');
    const entry = accessor === ctx.caller.accessor ? ctx.caller : await store.lookupByAccessor(accessor);
    if (!entry) throw badRequest('invalid accessor');
    return entry;
  }

  const lookup: Handler = async (ctx) => {
    const token = readString(ctx.data, 'token');
    if (token === '') return lookupSelf(ctx, {});
    const entry = await findToken(ctx, token);
    if (!entry) throw permissionDenied('bad token');
    return { data: toLookupData(entry, token, store) };
  };

  const lookupSelf: Handler = async (ctx) => ({ data: toLookupData(ctx.caller, ctx.callerToken, store) });

  const lookupAccessor: Handler = async (ctx, params) => ({
    data: toLookupData(await findAccessor(ctx, params), '', store),
  });

  /** Vault's rule: a token made through a role renews under the role's current period and
   * explicit max TTL, and not at all once the role is gone. */
  const roleLimitsOf = async (entry: TokenEntry): Promise<RenewalLimits | undefined> => {
    const name = roleNameOf(entry);
    if (name === undefined) return undefined;
    const role = await roles.get(name);
    if (role === undefined) throw badRequest(`original token role "${name}" could not be found, not renewing`);
    return { period: role.tokenPeriod, explicitMaxTtl: role.tokenExplicitMaxTtl };
  };

  const renewWith = async (ctx: TokenRequestContext, token: string, entry: TokenEntry) => {
    const increment = readDuration(ctx.data, 'increment');
    const renewed = await store.renew(entry, increment, await roleLimitsOf(entry));
    return {
      status: 200,
      auth: toResponseAuth(token, renewed.entry),
      ...(renewed.warnings.length > 0 ? { warnings: renewed.warnings } : {}),
    } satisfies TokenRouteResponse;
  };

  const renew: Handler = async (ctx) => {
    const token = readString(ctx.data, 'token');
    if (token === '') throw badRequest('missing token');
    const entry = await findToken(ctx, token);
    if (!entry) throw badRequest('token not found');
    return renewWith(ctx, token, entry);
  };

  const renewSelf: Handler = async (ctx) => renewWith(ctx, ctx.callerToken, ctx.caller);

  const renewAccessor: Handler = async (ctx, params) => renewWith(ctx, '', await findAccessor(ctx, params));

  const revoke: Handler = async (ctx) => {
    const token = readString(ctx.data, 'token');
    if (token === '') throw badRequest('missing token');
    const entry = await findToken(ctx, token);
    // Revoking an unknown token succeeds, so the route is no oracle for token values.
    if (entry) await store.revoke(entry);
    return NO_CONTENT;
  };

  const revokeSelf: Handler = async (ctx) => {
    await store.revoke(ctx.caller);
    return NO_CONTENT;
  };

  const revokeAccessor: Handler = async (ctx, params) => {
    await store.revoke(await findAccessor(ctx, params));
    return NO_CONTENT;
  };

  const revokeOrphan: Handler = async (ctx) => {
    if (!isPrivileged(ctx)) throw permissionDenied();
    const token = readString(ctx.data, 'token');
    if (token === '') throw badRequest('missing token');
    const entry = await findToken(ctx, token);
    if (!entry) throw badRequest('token to revoke not found');
    await store.revokeOrphan(entry);
    return NO_CONTENT;
  };

  const listAccessors: Handler = async (ctx) => {
    if (!isPrivileged(ctx)) throw permissionDenied();
    return { data: { keys: await store.listAccessors() } };
  };

  const tidy: Handler = async () => {
    const invalid = await options.sweep();
    return { status: 202, warnings: [`Tidy operation finished: ${invalid} expired or invalid token(s) removed.`] };
  };

  const path = (pattern: RegExp, summary: string, operations: PathDeclaration<TokenRequestContext>['operations']) =>
    definePath<TokenRequestContext>({ pattern, summary, operations });

  const paths: readonly PathDeclaration<TokenRequestContext>[] = [
    path(/^create$/, 'Create a child token of the caller.', { update: createToken(false) }),
    path(/^create-orphan$/, 'Create a token without a parent.', { update: createToken(true) }),
    path(/^create\/(?<role>[^/]+)$/, 'Create a token through a token role.', { update: createToken(false) }),
    path(/^roles\/?$/, 'List the token roles.', { list: listRoles }),
    path(/^roles\/(?<name>[^/]+)$/, 'Read, write or delete a token role.', {
      read: readRole,
      create: writeRole,
      update: writeRole,
      delete: deleteRole,
    }),
    path(/^lookup$/, 'Look up a token given in `token` (or the caller).', { read: lookup, update: lookup }),
    path(/^lookup-self$/, 'Look up the calling token.', { read: lookupSelf, update: lookupSelf }),
    path(/^lookup-accessor(?:\/(?<accessor>[^/]+))?$/, 'Look up a token by its accessor.', {
      update: lookupAccessor,
    }),
    path(/^renew$/, 'Renew a token given in `token`.', { update: renew }),
    path(/^renew-self$/, 'Renew the calling token.', { update: renewSelf }),
    path(/^renew-accessor(?:\/(?<accessor>[^/]+))?$/, 'Renew a token by its accessor.', { update: renewAccessor }),
    path(/^revoke$/, 'Revoke a token and all its children.', { update: revoke }),
    path(/^revoke-self$/, 'Revoke the calling token and all its children.', { update: revokeSelf }),
    path(/^revoke-accessor(?:\/(?<accessor>[^/]+))?$/, 'Revoke a token and its children by accessor.', {
      update: revokeAccessor,
    }),
    path(/^revoke-orphan$/, 'Revoke a token, leaving its children as orphans (sudo).', { update: revokeOrphan }),
    path(/^accessors\/?$/, 'List the accessors of all tokens (sudo).', { list: listAccessors }),
    path(/^tidy\/?$/, 'Remove expired and invalid tokens from storage now.', { update: tidy }),
  ];

  return {
    paths,
    // Every handler in `paths` returns a TokenRouteResponse; dispatch only widens the type.
    handle: async (ctx) => (await dispatch(paths, ctx)) as TokenRouteResponse,
  };
}
