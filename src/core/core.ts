/**
 * @module The core's single request pipeline, framework-free: seal state, token check, policy,
 * audit (fail closed), routing to `sys/`, the token store, auth methods or a secrets engine, and
 * the audit of the response. Engines see only their mount's storage view and a request whose
 * path is relative to the mount; the client token never reaches them.
 */
import { HushError, isHushError } from '../lib/errors.js';
import type { Barrier, ShareCompanion } from '../barrier/barrier.js';
import { createStorageView } from '../storage/storage-view.js';
import type { AuditBroker } from '../audit/audit-broker.js';
import type { AuditAuth } from '../audit/audit-entry.js';
import type { TokenEntry, TokenStore } from '../auth/token-types.js';
import { isAddressAllowed } from '../auth/bound-cidrs.js';
import { toResponseAuth } from '../auth/token-response.js';
import { loginTokenType } from '../auth/token-type-setting.js';
import type { AuthResponse, LoginResult } from '../auth/methods/auth-method.js';
import type { AuthMethodRegistry } from '../auth/methods/auth-method-registry.js';
import type { EngineRegistry } from '../engines/engine-registry.js';
import type { SecretsEngine } from '../engines/engine.js';
import type { Acl } from '../policy/acl.js';
import { lockoutSettingsOf } from './login-lockout.js';
import type { LoginLockout } from './login-lockout.js';
import { WRAPPING_POLICY } from './response-wrapping.js';
import type { ResponseWrapping } from './response-wrapping.js';
import type { CoreRequest, CoreResponse, Operation, RequestHandler } from './request.js';
import type { MountEntry, MountTable } from './router/mount-table.js';
import type { PolicyStore } from './policy-store.js';
import type { CoreServices, InitResult, ServerIdentity } from './core-services.js';
import { authRequestOf, engineResult, matchAuthMethod, matchSysRoute, TOKEN_SUDO_PATHS } from './core-routing.js';
import type { AuthRoute, SysMatch } from './core-routing.js';
import { loadOrCreateClusterId, openUnsealedState } from './unsealed-state.js';
import type { UnsealedState } from './unsealed-state.js';
import { deleteTree } from './storage-tree.js';
import type { ExpirySweeper } from '../leases/expiry-sweeper.js';
import type { RootGeneration } from './root-generation.js';
import type { Rekey, RekeyListener } from './rekey.js';
import { needsSudo } from './sys/sys-context.js';
import { FORWARDING_KEY, ForwardingKey } from './forwarding.js';
import type { HighAvailability } from '../storage/storage.js';

export interface CoreOptions {
  readonly barrier: Barrier;
  readonly engineRegistry: EngineRegistry;
  readonly authRegistry: AuthMethodRegistry;
  readonly identity: ServerIdentity;
  /** Dev mode mounts `secret/` as KV v2 on first unseal, like `vault server -dev`. */
  readonly devMounts?: boolean;
  /** Time between two sweeps of expired tokens and secret IDs (default: `leases/expiry-sweeper.ts`). */
  readonly sweepIntervalMs?: number;
  /** The storage's HA coordination, when several servers share it (one active). */
  readonly highAvailability?: HighAvailability;
}

export class Core implements RequestHandler, CoreServices {
  readonly barrier: Barrier;
  readonly engineRegistry: EngineRegistry;
  readonly authRegistry: AuthMethodRegistry;
  readonly identity: ServerIdentity;
  readonly highAvailability: HighAvailability | undefined;
  readonly #devMounts: boolean;
  readonly #sweepIntervalMs: number | undefined;
  #state: UnsealedState | undefined;
  /** The state being built (after the last unseal share, or when taking over as the active
   * server): requests wait for it rather than find no state. */
  #settingUp: Promise<void> | undefined;
  /** Requests being answered (a step-down waits for them). */
  #inFlight = 0;
  #steppingDown = false;
  #rekeyListener: RekeyListener | undefined;
  /** Read from the barrier when first needed; forgotten when sealed. */
  #forwarding: ForwardingKey | undefined;

  constructor(opts: CoreOptions) {
    this.barrier = opts.barrier;
    this.engineRegistry = opts.engineRegistry;
    this.authRegistry = opts.authRegistry;
    this.identity = opts.identity;
    this.#devMounts = opts.devMounts ?? false;
    this.#sweepIntervalMs = opts.sweepIntervalMs;
    this.highAvailability = opts.highAvailability;
    this.highAvailability?.onLost(() => {
      this.#lostActiveRole().catch(() => undefined);
    });
    this.#awaitActive();
  }

  // ---- the pipeline -------------------------------------------------------------------------

  async handle(req: CoreRequest): Promise<CoreResponse> {
    this.#inFlight++;
    try {
      return await this.#handle(req);
    } finally {
      this.#inFlight--;
    }
  }

  async #handle(received: CoreRequest): Promise<CoreResponse> {
    const viaStandby = received.forwarded === undefined ? undefined : await this.#forwardedClient(received);
    const req = viaStandby === undefined ? received : { ...received, remoteAddress: viaStandby };
    const sysMatch = req.path.startsWith('sys/') ? matchSysRoute(req.path.slice(4)) : undefined;
    if (sysMatch?.route.whileSealed && sysMatch.route.unauthenticated) {
      return this.#runSys(req, sysMatch, undefined);
    }
    if (this.#settingUp !== undefined) await this.#settingUp;
    if (this.#steppingDown) throw new HushError('unavailable', 'this server is handing its role to a standby: try again');
    if (this.#isStandby()) return this.#toActive(req, viaStandby !== undefined);
    const state = this.#requireUnsealed();
    if (sysMatch?.route.unauthenticated) {
      return this.#audited(req, undefined, state, 'system', () => this.#runSys(req, sysMatch, undefined));
    }

    const authRoute = matchAuthMethod(req.path, state);
    if (authRoute?.method.isUnauthenticatedPath(authRoute.rest)) return this.#login(req, state, authRoute);

    let caller: TokenEntry | undefined;
    try {
      caller = await this.#authenticate(req, state);
      return await this.#route(req, state, sysMatch, authRoute, caller);
    } catch (err) {
      // Refused before the audited section ran (bad token, policy, unknown path): still audited.
      if (!(typeof err === 'object' && err !== null && AUDITED.has(err))) await this.#auditRefusal(req, state, caller, err);
      throw err;
    }
  }

  /** Routes an authenticated request to `sys/`, an auth method's paths, the token store or an engine. */
  async #route(
    req: CoreRequest,
    state: UnsealedState,
    sysMatch: SysMatch | undefined,
    authRoute: AuthRoute | undefined,
    caller: TokenEntry,
  ): Promise<CoreResponse> {
    const acl = await state.policies.aclFor(caller.policies);

    if (sysMatch) {
      const operation = req.operation === 'update' && sysMatch.route.operations.create && !sysMatch.route.operations.update
        ? 'create'
        : req.operation;
      if (!sysMatch.route.anyToken) {
        this.#authorize(acl, req.path, operation, req.data, needsSudo(sysMatch.route, operation), req.wrapTtlSeconds);
      }
      return this.#audited(req, caller, state, undefined, () => this.#runSys(req, sysMatch, caller));
    }

    if (authRoute) {
      this.#authorize(acl, req.path, req.operation, req.data, false, req.wrapTtlSeconds);
      return this.#audited(req, caller, state, authRoute.entry.type, async () =>
        engineResult(await authRoute.method.handle(authRequestOf(req, authRoute))),
        `auth/${authRoute.entry.path}`,
      );
    }

    if (req.path.startsWith('auth/token/') || req.path === 'auth/token') {
      const sub = req.path.slice('auth/token/'.length);
      const sudo = TOKEN_SUDO_PATHS.has(sub);
      this.#authorize(acl, req.path, req.operation, req.data, sudo, req.wrapTtlSeconds);
      return this.#audited(req, caller, state, 'token', async () => {
        const res = await state.tokenRoutes.handle({
          operation: req.operation,
          path: sub,
          data: req.data,
          caller,
          callerToken: req.clientToken ?? '',
          remoteAddress: req.remoteAddress,
          isRoot: caller.policies.includes('root'),
          hasSudo: (p: string) => acl.allowOperation(p, req.operation).sudo,
        });
        return { status: res.status, data: res.data ?? null, auth: res.auth ?? null, warnings: res.warnings ?? null };
      });
    }

    const routed = state.mounts.match(req.path);
    if (!routed || routed.entry.type === 'system') {
      throw new HushError('not_found', `no handler for route "${req.path}". route entry not found.`);
    }
    // A cubbyhole lives and dies with a stored token; batch tokens are never stored (Vault's rule).
    if (routed.entry.type === 'cubbyhole' && caller.type === 'batch') {
      throw new HushError('bad_request', 'cubbyhole operations are only supported by "service" type tokens');
    }
    const engine = state.engines.get(routed.entry.uuid);
    if (!engine) throw new HushError('internal', 'mount has no running engine');

    let operation: Operation = req.operation;
    if (operation === 'update' && engine.exists && !(await engine.exists(routed.rest))) operation = 'create';
    this.#authorize(acl, req.path, operation, req.data, false, req.wrapTtlSeconds);

    return this.#audited(req, caller, state, routed.entry.type, async () => {
      const res = await engine.handle({
        id: req.id,
        operation,
        path: routed.rest,
        data: req.data,
        query: req.query,
        headers: req.headers,
        mountPoint: routed.entry.path,
        callerId: caller.hashedId,
      });
      return engineResult(res);
    }, routed.entry.path);
  }

  // ---- authentication, authorisation, audit ---------------------------------------------------

  async #authenticate(req: CoreRequest, state: UnsealedState): Promise<TokenEntry> {
    if (!req.clientToken) throw new HushError('permission_denied', 'permission denied');
    const entry = await state.tokens.lookup(req.clientToken);
    // A wrapping token works only on sys/wrapping/* (handled before this); using it elsewhere
    // must not spend its single use.
    if (
      !entry ||
      entry.policies.includes(WRAPPING_POLICY) ||
      !isAddressAllowed(entry.boundCidrs, req.remoteAddress) ||
      !issuerEnabled(entry, state)
    ) {
      throw new HushError('permission_denied', 'permission denied');
    }
    if (entry.numUses > 0) {
      const used = await state.tokens.use(entry);
      if (!used) throw new HushError('permission_denied', 'permission denied');
      return used;
    }
    return entry;
  }

  #authorize(acl: Acl, path: string, operation: Operation, data: Readonly<Record<string, unknown>>, sudo: boolean, wrapTtlSeconds?: number): void {
    const result = acl.allowOperation(path, operation, data, { wrapTtlSeconds });
    if (!result.allowed || (sudo && !result.sudo)) {
      throw new HushError('permission_denied', `1 error occurred:\n\t* permission denied\n\n`, {
        messages: ['1 error occurred:\n\t* permission denied\n\n'],
      });
    }
  }

  /**
   * Logs the request, runs it, logs the response; refuses (fail closed) if audit fails.
   *
   * A request that changes something runs only once its request line is written. A plain read
   * (no wrapping) changes nothing, so it runs while its request line is being written, and its
   * answer waits for that line: its two lines usually reach the file in one write.
   */
  async #audited(
    req: CoreRequest,
    caller: TokenEntry | undefined,
    state: UnsealedState,
    mountType: string | undefined,
    run: () => Promise<CoreResponse>,
    mountPoint?: string,
  ): Promise<CoreResponse> {
    try {
      const auth = caller ? auditAuthOf(caller, req.clientToken) : undefined;
      const auditReq = auditRequestOf(req, caller, mountType, mountPoint);
      const audit = state.audit.hasDevices();
      let requestLogged: Promise<void> | undefined;
      if (audit) {
        const awaited = !isReadOnly(req);
        requestLogged = state.audit.logRequest({ request: auditReq, auth }, awaited);
        if (awaited) await requestLogged;
        else requestLogged.catch(() => undefined); // awaited below, before anything is answered
      }
      let res: CoreResponse;
      try {
        res = await this.#maybeWrap(req, state, await run());
        await requestLogged;
      } catch (err) {
        await requestLogged; // an audit failure is what the caller must see
        if (audit) await state.audit.logResponse({ request: auditReq, auth, error: auditError(err) });
        throw err;
      }
      if (audit) {
        await state.audit.logResponse({
          request: auditReq,
          auth,
          response: { data: res.data ?? undefined, auth: res.auth ?? undefined, warnings: res.warnings ?? undefined },
        });
      }
      return res;
    } catch (err) {
      if (typeof err === 'object' && err !== null) AUDITED.add(err);
      throw err;
    }
  }

  /** Logs a request refused before it was routed (request and response lines, with the error).
   * An audit failure here changes nothing: the request is refused either way. */
  async #auditRefusal(req: CoreRequest, state: UnsealedState, caller: TokenEntry | undefined, err: unknown): Promise<void> {
    if (!state.audit.hasDevices()) return;
    const input = {
      request: auditRequestOf(req, caller, undefined, undefined),
      auth: caller ? auditAuthOf(caller, req.clientToken) : undefined,
      error: auditError(err),
    };
    try {
      await state.audit.logRequest(input);
      await state.audit.logResponse(input);
    } catch {
      // the broker has reported the failing devices
    }
  }

  /** Answers with a wrapping token instead when the caller asked for it (`X-Vault-Wrap-TTL`). */
  async #maybeWrap(req: CoreRequest, state: UnsealedState, res: CoreResponse): Promise<CoreResponse> {
    const ttl = req.wrapTtlSeconds;
    if (!ttl || ttl <= 0 || res.wrapInfo || (!res.data && !res.auth) || req.path.startsWith('sys/wrapping/')) return res;
    if ((res.status ?? 200) >= 300) return res;
    return state.wrapping.wrap(res, ttl, req.path);
  }

  /** A login: no token needed; lockout checked; on success the core issues the token. */
  async #login(req: CoreRequest, state: UnsealedState, route: AuthRoute): Promise<CoreResponse> {
    const authReq = authRequestOf(req, route);
    const identifier = route.method.loginIdentifier?.(authReq);
    const accessor = route.entry.accessor;
    const settings = lockoutSettingsOf(route.entry.config);
    return this.#audited(req, undefined, state, route.entry.type, async () => {
      // Inside the audited section, so that refusals by the lockout are audited too.
      state.lockout.check(settings, accessor, identifier, req.remoteAddress);
      let res: AuthResponse;
      try {
        res = await route.method.handle(authReq);
      } catch (err) {
        if (isHushError(err, 'permission_denied') || isHushError(err, 'bad_request')) {
          state.lockout.recordFailure(settings, accessor, identifier, req.remoteAddress);
        }
        throw err;
      }
      if (!res.login) return engineResult(res);
      state.lockout.recordSuccess(accessor, identifier);
      return this.#issueLoginToken(state, route.entry, res.login, res.warnings);
    }, `auth/${route.entry.path}`);
  }

  /** Turns a method's {@link LoginResult} into a token, within the mount's TTL limits and of the
   * kind its `token_type` and the mount's make. */
  async #issueLoginToken(
    state: UnsealedState,
    mount: MountEntry,
    login: LoginResult,
    warnings: readonly string[] | undefined,
  ): Promise<CoreResponse> {
    const maxTtl = minPositive(login.maxTtl, mount.config.max_lease_ttl);
    const ttl = minPositive(login.ttl || mount.config.default_lease_ttl || undefined, maxTtl);
    const created = await state.tokens.create({
      policies: login.policies,
      noDefaultPolicy: login.noDefaultPolicy,
      metadata: login.metadata,
      displayName: `${mount.path.replace(/\/$/, '').replace(/\//g, '-')}-${login.displayName}`,
      ttl,
      explicitMaxTtl: minPositive(login.explicitMaxTtl, maxTtl),
      period: login.period,
      numUses: login.numUses,
      boundCidrs: login.boundCidrs,
      renewable: login.renewable ?? true,
      type: loginTokenType(login.tokenType ?? 'default', mount.config.token_type),
      orphan: true,
      path: `auth/${mount.path}login`,
      mountAccessor: mount.accessor,
    });
    const all = [...(warnings ?? []), ...created.warnings];
    return { auth: toResponseAuth(created.token, created.entry), warnings: all.length > 0 ? all : null };
  }

  async #runSys(req: CoreRequest, match: SysMatch, caller: TokenEntry | undefined): Promise<CoreResponse> {
    const ops = match.route.operations;
    const handler = ops[req.operation] ?? (req.operation === 'update' ? ops.create : req.operation === 'create' ? ops.update : undefined);
    if (!handler) throw new HushError('unsupported_operation', 'unsupported operation');
    return handler(
      { operation: req.operation, path: req.path.slice(4), data: req.data, request: req, caller, services: this },
      match.params,
    );
  }

  // ---- seal lifecycle -----------------------------------------------------------------------

  async initialize(opts: { secretShares: number; secretThreshold: number; rootTokenId?: string; alongside?: ShareCompanion }): Promise<InitResult> {
    if (await this.barrier.isInitialized()) throw new HushError('bad_request', 'Vault is already initialized');
    const { shares } = await this.barrier.initialize({ secretShares: opts.secretShares, secretThreshold: opts.secretThreshold }, opts.alongside);
    // Unseal once with the shares to write the first mount tables and the root token.
    for (const share of shares.slice(0, opts.secretThreshold)) await this.barrier.unseal(share);
    const state = await this.#setUp();
    const { token } = await state.tokens.create({
      policies: ['root'],
      path: 'auth/token/root',
      displayName: 'root',
      orphan: true,
      id: opts.rootTokenId,
    });
    await this.#tearDown();
    await this.barrier.seal();
    return { shares, rootToken: token };
  }

  async submitUnsealShare(share: Uint8Array): Promise<void> {
    const progress = await this.barrier.unseal(share);
    // A standby only holds the keys: its state is built when it takes over (#takeOver).
    if (!progress.sealed && !this.#state && !this.#isStandby()) await this.#whileSettingUp(() => this.#setUp());
  }

  // ---- high availability ----------------------------------------------------------------------

  #isStandby(): boolean {
    return this.highAvailability !== undefined && !this.highAvailability.isActive();
  }

  isActive(): boolean {
    return !this.#isStandby() && this.#settingUp === undefined;
  }

  /** Runs `build` (which builds the state) as the set-up requests wait for. */
  async #whileSettingUp(build: () => Promise<unknown>): Promise<void> {
    const run = build().then(() => undefined);
    const settled = run.catch(() => undefined);
    this.#settingUp = settled;
    try {
      await run;
    } finally {
      if (this.#settingUp === settled) this.#settingUp = undefined;
    }
  }

  /**
   * A standby's answer: the request goes on to the active server (`forward`, which the HTTP layer
   * carries out), or, when it cannot (no forwarding key yet, or the request was already forwarded
   * once: this server's view of the active one is stale), a 307 there, which Vault's clients follow.
   */
  async #toActive(req: CoreRequest, forwardedAlready: boolean): Promise<CoreResponse> {
    const address = await this.highAvailability?.activeAddress();
    if (!address) throw new HushError('unavailable', 'this server is a standby and no active server is known yet');
    const query = new URLSearchParams(req.query).toString();
    const location = `${address}/v1/${req.path}${query === '' ? '' : `?${query}`}`;
    const key = forwardedAlready ? undefined : await this.#forwardingKey();
    if (key === undefined) return { status: 307, location };
    return { status: 307, location, forward: { address, header: key.sign(req.remoteAddress, req.operation, req.path, Date.now()) } };
  }

  /** The client's address a standby vouched for in a forwarded request, if its header is good. */
  async #forwardedClient(req: CoreRequest): Promise<string | undefined> {
    if (req.forwarded === undefined || this.barrier.isSealed()) return undefined;
    return (await this.#forwardingKey())?.verify(req.forwarded, req.operation, req.path, Date.now());
  }

  /** The cluster's forwarding key (`core/forwarding-key`, made by the active server), once read. */
  async #forwardingKey(): Promise<ForwardingKey | undefined> {
    if (this.#forwarding === undefined) {
      const bytes = await this.barrier.get(FORWARDING_KEY);
      if (bytes !== undefined && bytes.length > 0) this.#forwarding = new ForwardingKey(bytes);
    }
    return this.#forwarding;
  }

  /**
   * Gives the active role up (`sys/step-down`): stops serving (the state goes, the keys stay),
   * hands the storage's lock over, and waits as a standby to take it again later.
   */
  async stepDown(): Promise<void> {
    const ha = this.highAvailability;
    if (ha === undefined || !ha.isActive()) throw new HushError('bad_request', 'this server is not the active server of an HA cluster');
    // new requests are refused from now on; those under way (the step-down's own) finish first
    this.#steppingDown = true;
    try {
      while (this.#inFlight > 0) await new Promise((r) => setTimeout(r, 5));
      await this.#tearDown();
      await ha.stepDown();
    } finally {
      this.#steppingDown = false;
    }
    this.#awaitActive();
  }

  /**
   * The storage's lock went with the connection that held it (a network partition, the database
   * restarting), and another server may be active already: like Vault's active servers, this one
   * stops serving at once (the state goes, the keys stay; requests still under way fail, since
   * nothing can be written) and waits, as a standby, to take the lock again.
   */
  async #lostActiveRole(): Promise<void> {
    await this.#tearDown();
    this.#awaitActive();
  }

  /** Takes over whenever this server next holds the storage's lock (a standby unsealed ahead of
   * time starts serving at that moment). */
  #awaitActive(): void {
    this.highAvailability?.whenActive(() => {
      this.#whileSettingUp(() => this.#takeOver()).catch(() => undefined);
    });
  }

  /** Records this server's API address (`api_addr`, else where it listens) and, when active,
   * tells the standbys to send their clients there. */
  async announceAddress(address: string): Promise<void> {
    this.identity.apiAddress = address;
    await this.#advertise();
  }

  async #advertise(): Promise<void> {
    const ha = this.highAvailability;
    if (ha?.isActive() && this.identity.apiAddress !== '') await ha.advertise(this.identity.apiAddress);
  }

  /**
   * This server has just taken the storage's lock from a server that was writing it: what it read
   * as a standby may be stale, so the barrier forgets it, and when unsealed the core builds its
   * state afresh (mounts, tokens, caches) before serving.
   */
  async #takeOver(): Promise<void> {
    await this.#advertise(); // every time: after a step-down the address held is another server's
    await this.barrier.reload();
    if (!this.barrier.isSealed() && !this.#state) await this.#setUp();
  }

  async seal(): Promise<void> {
    await this.#tearDown();
    this.#forwarding = undefined;
    await this.barrier.seal();
  }

  /** Loads (or on first unseal, creates) the unsealed state, then starts engines and methods. */
  async #setUp(): Promise<UnsealedState> {
    const state = await openUnsealedState(this.barrier, {
      devMounts: this.#devMounts,
      sweepIntervalMs: this.#sweepIntervalMs,
      onRekeyed: (shares, threshold) => this.#rekeyListener?.(shares, threshold),
    });
    this.identity.clusterId = await loadOrCreateClusterId(this.barrier);
    this.#state = state;
    for (const entry of state.mounts.entries()) {
      if (entry.type !== 'system') await this.startEngine(entry);
    }
    for (const entry of state.authMounts.entries()) {
      if (entry.type !== 'token') await this.startAuthMethod(entry);
    }
    return state;
  }

  async #tearDown(): Promise<void> {
    const state = this.#state;
    this.#state = undefined;
    if (!state) return;
    await state.sweeper.stop();
    state.rootGeneration.cancel();
    state.rekey.cancel();
    for (const engine of state.engines.values()) await engine.close?.();
    for (const method of state.authMethods.values()) await method.close?.();
    await state.audit.close();
  }

  // ---- services for sys/ routes ---------------------------------------------------------------

  #requireUnsealed(): UnsealedState {
    if (!this.#state) throw new HushError('sealed', 'Vault is sealed');
    return this.#state;
  }

  mounts(): MountTable {
    return this.#requireUnsealed().mounts;
  }
  authMounts(): MountTable {
    return this.#requireUnsealed().authMounts;
  }
  tokens(): TokenStore {
    return this.#requireUnsealed().tokens;
  }
  sweeper(): ExpirySweeper {
    return this.#requireUnsealed().sweeper;
  }
  rootGeneration(): RootGeneration {
    return this.#requireUnsealed().rootGeneration;
  }
  /** Sets who is told of each completed rekey (the dev server keeps its shares up to date). */
  onRekeyed(listener: RekeyListener): void {
    this.#rekeyListener = listener;
  }

  rekey(): Rekey {
    return this.#requireUnsealed().rekey;
  }
  policies(): PolicyStore {
    return this.#requireUnsealed().policies;
  }
  audit(): AuditBroker {
    return this.#requireUnsealed().audit;
  }

  engineFor(entry: MountEntry): SecretsEngine | undefined {
    return this.#requireUnsealed().engines.get(entry.uuid);
  }

  async startEngine(entry: MountEntry): Promise<void> {
    const state = this.#requireUnsealed();
    const factory = this.engineRegistry.get(entry.type);
    const engine = await factory.create({
      view: createStorageView(this.barrier, `logical/${entry.uuid}/`),
      mount: { path: entry.path, type: entry.type, description: entry.description, options: entry.options, config: entry.config },
    });
    state.engines.set(entry.uuid, engine);
  }

  async startAuthMethod(entry: MountEntry): Promise<void> {
    const state = this.#requireUnsealed();
    const factory = this.authRegistry.get(entry.type);
    const method = await factory.create({
      view: createStorageView(this.barrier, `auth/${entry.uuid}/`),
      mount: { path: entry.path, type: entry.type, description: entry.description, options: entry.options, config: entry.config },
      now: Date.now,
    });
    state.authMethods.set(entry.uuid, method);
  }

  lockout(): LoginLockout {
    return this.#requireUnsealed().lockout;
  }
  wrapping(): ResponseWrapping {
    return this.#requireUnsealed().wrapping;
  }

  async destroyMountData(entry: MountEntry, kind: 'logical' | 'auth'): Promise<void> {
    const state = this.#requireUnsealed();
    await state.engines.get(entry.uuid)?.close?.();
    await state.authMethods.get(entry.uuid)?.close?.();
    state.engines.delete(entry.uuid);
    state.authMethods.delete(entry.uuid);
    await deleteTree(this.barrier, `${kind}/${entry.uuid}/`);
  }
}


// ---- helpers --------------------------------------------------------------------------------

/** The smallest of the positive values given, or undefined when none is. */
function minPositive(...values: (number | undefined)[]): number | undefined {
  const set = values.filter((v): v is number => v !== undefined && v > 0);
  return set.length === 0 ? undefined : Math.min(...set);
}

/**
 * Whether the auth mount that issued a token (its path `auth/<mount>/…`) is still enabled.
 * Disabling a mount revokes its service tokens, but batch tokens cannot be revoked, and the
 * revocation of many tokens takes a while: this refuses both at once. A login's token names its
 * mount's accessor, so a mount enabled again at the same path does not accept its predecessor's.
 */
function issuerEnabled(entry: TokenEntry, state: UnsealedState): boolean {
  if (!entry.path.startsWith('auth/')) return true;
  const issuer = state.authMounts.match(entry.path.slice('auth/'.length));
  if (issuer === undefined) return false;
  // Tokens from before logins recorded their mount are judged by the path alone.
  return entry.mountAccessor === undefined || issuer.entry.accessor === entry.mountAccessor;
}

/** Errors that already went through {@link Core}'s audited section (their response is logged). */
const AUDITED = new WeakSet<object>();

/** A request with no effect before it is answered: a read or list that is not wrapped (wrapping
 * stores the answer under a new token). */
function isReadOnly(req: CoreRequest): boolean {
  return (req.operation === 'read' || req.operation === 'list') && !req.wrapTtlSeconds;
}

/** The error text of an audit entry: the client's messages, never internals. */
function auditError(err: unknown): string {
  return isHushError(err) ? err.messages.join('; ') || err.code : 'internal error';
}

function auditRequestOf(req: CoreRequest, caller: TokenEntry | undefined, mountType: string | undefined, mountPoint: string | undefined) {
  return {
    id: req.id,
    operation: req.operation,
    path: req.path,
    data: req.data,
    remoteAddress: req.remoteAddress,
    clientToken: req.clientToken,
    clientTokenAccessor: caller?.accessor,
    clientTokenKey: caller?.hashedId,
    mountType,
    mountPoint,
  };
}

function auditAuthOf(entry: TokenEntry, clientToken: string | undefined): AuditAuth {
  return {
    clientToken: clientToken ?? '',
    accessor: entry.accessor,
    displayName: entry.displayName,
    policies: entry.policies,
    tokenPolicies: entry.policies,
    metadata: entry.metadata,
    entityId: entry.entityId ?? '',
    tokenType: entry.type,
    tokenTtl: entry.ttl,
    // shared, frozen entries (the token store's) give the same block on every request
    ...(Object.isFrozen(entry) ? { source: entry } : {}),
  };
}

