/**
 * @module The secrets-engine contract. An engine is created per mount by its factory, sees only
 * the storage view of its mount (never the barrier or a backend), and handles requests whose
 * path is already relative to the mount. Paths are declared as data (see `path-table.ts`) so that
 * policy, help and the API document can be derived from the same declarations.
 */
import type { Operation } from '../core/request.js';
import type { Storage } from '../storage/storage.js';

export interface EngineRequest {
  readonly id: string;
  readonly operation: Operation;
  /** Path below the mount, without leading slash (`data/myapp` on `secret/`). */
  readonly path: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** Mount point with trailing slash, e.g. `secret/`. */
  readonly mountPoint: string;
  /** A stable, non-secret identifier of the calling token (e.g. its hashed ID); cubbyhole keys
   * its storage by it. Undefined for unauthenticated requests. */
  readonly callerId?: string;
}

export interface EngineResponse {
  /** 200 (default when data is set), 204 (default when not), or 404 with data (KV v2 deleted). */
  readonly status?: number;
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly warnings?: readonly string[];
  readonly errors?: readonly string[];
  /** Dynamic secrets: the lease the core must register for this response. */
  readonly lease?: { readonly ttlSeconds: number; readonly renewable: boolean };
}

export interface SecretsEngine {
  handle(req: EngineRequest): Promise<EngineResponse>;
  /** Whether something exists at `path`; decides `create` versus `update` for policy checks.
   * Engines without a meaningful answer omit it (the core then treats writes as `update`). */
  exists?(path: string): Promise<boolean>;
  /** Forget per-mount state when the mount is disabled (storage is removed by the core). */
  close?(): Promise<void>;
}

/** Mount options as stored in the mount table (`options` of `sys/mounts`). */
export interface MountConfig {
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly options: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface EngineContext {
  readonly view: Storage;
  readonly mount: MountConfig;
}

export interface EngineFactory {
  /** Mount type, e.g. `kv`, `cubbyhole`, `transit`. */
  readonly type: string;
  create(ctx: EngineContext): Promise<SecretsEngine>;
}
