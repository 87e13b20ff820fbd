/**
 * @module What exists only while the barrier is unsealed: the mount tables, token store and its
 * sweeper, policies, audit broker, lockout counters and wrapped responses. Built on every unseal
 * from storage (on the first unseal, with the default mounts) and dropped on seal.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Barrier } from '../barrier/barrier.js';
import type { Storage } from '../storage/storage.js';
import { createStorageView } from '../storage/storage-view.js';
import { createAuditBroker } from '../audit/audit-broker.js';
import type { AuditBroker } from '../audit/audit-broker.js';
import { createTokenStore } from '../auth/token-store.js';
import type { TokenStore } from '../auth/token-types.js';
import { TokenRoleStore } from '../auth/token-role.js';
import { createTokenRoutes } from '../auth/token-routes.js';
import type { TokenRoutes } from '../auth/token-routes.js';
import type { SecretsEngine } from '../engines/engine.js';
import type { AuthMethod } from '../auth/methods/auth-method.js';
import { ExpirySweeper } from '../leases/expiry-sweeper.js';
import { LoginLockout } from './login-lockout.js';
import { ResponseWrapping, WRAPPING_POLICY } from './response-wrapping.js';
import { MountTable } from './router/mount-table.js';
import { PolicyStore } from './policy-store.js';
import { RootGeneration } from './root-generation.js';
import { Rekey } from './rekey.js';
import { FORWARDING_KEY } from './forwarding.js';
import type { RekeyListener } from './rekey.js';
import { deleteTree } from './storage-tree.js';

export interface UnsealedState {
  readonly mounts: MountTable;
  readonly authMounts: MountTable;
  /** Running engines and auth methods by mount UUID; the core starts them after opening. */
  readonly engines: Map<string, SecretsEngine>;
  readonly authMethods: Map<string, AuthMethod>;
  readonly lockout: LoginLockout;
  readonly wrapping: ResponseWrapping;
  readonly tokens: TokenStore;
  /** Sweeps expired tokens and secret IDs out of storage on a timer; stopped on seal. */
  readonly sweeper: ExpirySweeper;
  readonly tokenRoutes: TokenRoutes;
  readonly policies: PolicyStore;
  readonly audit: AuditBroker;
  /** A `sys/generate-root` attempt in progress, if any; it ends with a seal. */
  readonly rootGeneration: RootGeneration;
  /** A `sys/rekey` attempt in progress, if any; it ends with a seal. */
  readonly rekey: Rekey;
}

/** Loads the unsealed state from the barrier, creating the defaults on the first unseal. */
export async function openUnsealedState(
  barrier: Barrier,
  opts: { readonly devMounts: boolean; readonly sweepIntervalMs?: number; readonly onRekeyed?: RekeyListener },
): Promise<UnsealedState> {
  const mounts = new MountTable(barrier, 'core/mounts', 'mount_');
  const authMounts = new MountTable(barrier, 'core/auth', 'auth_');
  const policies = new PolicyStore(createStorageView(barrier, 'sys/policy/'));
  const wrappingStorage = createStorageView(barrier, 'sys/wrapping/');
  const tokens = createTokenStore({
    storage: createStorageView(barrier, 'sys/token/'),
    hashKey: await loadOrCreateKey(barrier, 'core/token-hash-key'),
    // Batch tokens are sealed under this key; kept in the barrier so they outlive a restart.
    batchKey: await loadOrCreateKey(barrier, 'core/batch-token-key'),
    // A revoked token's cubbyhole goes with it, and so does what a wrapping token wrapped (one
    // that expired unused would otherwise leave its response, a secret ID say, in storage).
    onRevoke: async (entry) => {
      for (const m of mounts.entries()) {
        if (m.type === 'cubbyhole') await deleteTree(barrier, `logical/${m.uuid}/${entry.hashedId}/`);
      }
      if (entry.policies.includes(WRAPPING_POLICY)) await wrappingStorage.delete(entry.hashedId);
    },
  });
  const audit = createAuditBroker({ storage: createStorageView(barrier, 'sys/audit/') });
  // standbys sign the requests they forward with it (`forwarding.ts`): made by the first active server
  await loadOrCreateKey(barrier, FORWARDING_KEY);

  if (!(await mounts.load())) {
    await mounts.add({ path: 'cubbyhole', type: 'cubbyhole', description: 'per-token private secret storage', builtin: true, local: true });
    await mounts.add({ path: 'sys', type: 'system', description: 'system endpoints used for control, policy and debugging', builtin: true });
    if (opts.devMounts) {
      await mounts.add({ path: 'secret', type: 'kv', description: 'key/value secret storage', options: { version: '2' } });
    }
  }
  if (!(await authMounts.load())) {
    await authMounts.add({ path: 'token', type: 'token', description: 'token based credentials', builtin: true });
  }
  await policies.ensureDefaults();
  await audit.load();
  const authMethods = new Map<string, AuthMethod>();
  const sweeper = new ExpirySweeper(
    (signal) => tokens.tidy(signal),
    () => [...authMethods.values()].flatMap((method) => (method.tidy ? [(signal: AbortSignal) => method.tidy!(signal)] : [])),
    opts.sweepIntervalMs,
  );

  return {
    mounts,
    authMounts,
    engines: new Map(),
    authMethods,
    lockout: new LoginLockout(),
    wrapping: new ResponseWrapping(tokens, wrappingStorage),
    tokens,
    sweeper,
    tokenRoutes: createTokenRoutes({
      store: tokens,
      roles: new TokenRoleStore(createStorageView(barrier, 'sys/token/')),
      sweep: () => sweeper.sweepTokens(),
    }),
    policies,
    audit,
    rootGeneration: new RootGeneration(barrier, tokens),
    rekey: new Rekey(barrier, opts.onRekeyed),
  };
}

/** A random 256-bit key kept inside the barrier (encrypted at rest), created on first use:
 * the token-hash key (so that a guessable custom token cannot be confirmed from storage keys)
 * and the batch-token key. */
async function loadOrCreateKey(storage: Storage, key: string): Promise<Uint8Array> {
  const existing = await storage.get(key);
  if (existing) return existing;
  const fresh = randomBytes(32);
  await storage.put(key, fresh);
  return fresh;
}

/** The cluster's id, kept in the barrier so that it survives restarts (`sys/health`). */
export async function loadOrCreateClusterId(storage: Storage): Promise<string> {
  const existing = await storage.get('core/cluster-id');
  if (existing) return new TextDecoder().decode(existing);
  const id = randomUUID();
  await storage.put('core/cluster-id', new TextEncoder().encode(id));
  return id;
}
