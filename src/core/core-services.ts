/**
 * @module The services the core hands to its `sys/` routes. Everything that exists only while
 * unsealed is reached through accessors that throw `sealed` otherwise, so a route can never use
 * state left over from before a seal.
 */
import type { Barrier, ShareCompanion } from '../barrier/barrier.js';
import type { HighAvailability } from '../storage/storage.js';
import type { AuditBroker } from '../audit/audit-broker.js';
import type { TokenStore } from '../auth/token-types.js';
import type { ExpirySweeper } from '../leases/expiry-sweeper.js';
import type { RootGeneration } from './root-generation.js';
import type { Rekey } from './rekey.js';
import type { EngineRegistry } from '../engines/engine-registry.js';
import type { SecretsEngine } from '../engines/engine.js';
import type { AuthMethodRegistry } from '../auth/methods/auth-method-registry.js';
import type { LoginLockout } from './login-lockout.js';
import type { ResponseWrapping } from './response-wrapping.js';
import type { MountEntry, MountTable } from './router/mount-table.js';
import type { PolicyStore } from './policy-store.js';

export interface ServerIdentity {
  readonly version: string;
  readonly clusterName: string;
  /** Stored in the barrier on the first unseal and read back on later ones; empty while sealed
   * before the first unseal of this process. */
  clusterId: string;
  readonly storageType: string;
  /** Where clients reach this server (`api_addr`, else `http://127.0.0.1:8200` as it listens),
   * once listening. */
  apiAddress: string;
}

export interface InitResult {
  readonly shares: readonly Uint8Array[];
  readonly rootToken: string;
}

export interface CoreServices {
  readonly barrier: Barrier;
  /** Present when this server shares its storage with others, one of them active (HA). */
  readonly highAvailability: HighAvailability | undefined;
  /** Whether this server serves requests itself: not an HA standby, and done taking over (its
   * state built) when it has just become the active one. */
  isActive(): boolean;
  readonly identity: ServerIdentity;
  readonly engineRegistry: EngineRegistry;
  readonly authRegistry: AuthMethodRegistry;
  initialize(opts: { secretShares: number; secretThreshold: number; rootTokenId?: string; alongside?: ShareCompanion }): Promise<InitResult>;
  /** Feeds one unseal share; finishes setting up when the threshold is reached. */
  submitUnsealShare(share: Uint8Array): Promise<void>;
  seal(): Promise<void>;
  mounts(): MountTable;
  authMounts(): MountTable;
  tokens(): TokenStore;
  sweeper(): ExpirySweeper;
  /** The `sys/generate-root` attempt (in memory, ends with a seal). */
  rootGeneration(): RootGeneration;
  /** The `sys/rekey` attempt (in memory, ends with a seal). */
  rekey(): Rekey;
  /** HA: stops serving, hands the storage's lock to a standby and becomes one. */
  stepDown(): Promise<void>;
  policies(): PolicyStore;
  audit(): AuditBroker;
  /** The running engine of a secrets mount, for `sys/` routes that read through an engine's own
   * API (the leaked-secret routes); undefined for the system mount. */
  engineFor(entry: MountEntry): SecretsEngine | undefined;
  /** Creates the engine for a new secrets mount (the mount table entry already exists). */
  startEngine(entry: MountEntry): Promise<void>;
  /** Creates the method for a new auth mount (the mount table entry already exists). */
  startAuthMethod(entry: MountEntry): Promise<void>;
  lockout(): LoginLockout;
  wrapping(): ResponseWrapping;
  /** Stops the engine of a mount and deletes all of its storage. */
  destroyMountData(entry: MountEntry, kind: 'logical' | 'auth'): Promise<void>;
}
