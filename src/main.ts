/**
 * @module Wiring only: configuration → storage → barrier → core → HTTP. Everything with
 * behaviour lives in the modules it connects.
 */
import { createSqliteBackend } from './storage/sqlite/sqlite-backend.js';
import { createMemoryBackend } from './storage/memory/memory-backend.js';
import { createPostgresBackend } from './storage/postgres/postgres-backend.js';
import type { StorageBackend } from './storage/storage.js';
import { createBarrier } from './barrier/barrier.js';
import { createDefaultEngineRegistry } from './engines/engine-registry.js';
import { createDefaultAuthMethodRegistry } from './auth/methods/default-auth-methods.js';
import { Core } from './core/core.js';
import { createHttpServer } from './http/http-server.js';
import type { ServerConfig } from './config/server-config.js';
import { HUSH_VERSION } from './version.js';

export interface RunningServer {
  readonly address: string;
  readonly core: Core;
  close(): Promise<void>;
}

export async function openBackend(config: ServerConfig): Promise<StorageBackend> {
  const storage = config.storage;
  switch (storage.type) {
    case 'sqlite':
      return createSqliteBackend({ path: storage.path });
    case 'memory':
      return createMemoryBackend();
    case 'postgres':
      return createPostgresBackend({
        connectionUrl: storage.connectionUrl,
        table: storage.table,
        maxConnections: storage.maxConnections,
        ha: storage.ha,
      });
  }
}

/** Builds the core over the configured storage, without listening. */
export function buildCore(
  config: ServerConfig,
  backend: StorageBackend,
  opts: { devMounts?: boolean; sweepIntervalMs?: number } = {},
): Core {
  return new Core({
    barrier: createBarrier(backend),
    engineRegistry: createDefaultEngineRegistry(),
    authRegistry: createDefaultAuthMethodRegistry(),
    identity: {
      version: HUSH_VERSION,
      clusterName: config.clusterName,
      clusterId: '',
      storageType: backend.kind,
      apiAddress: '',
    },
    devMounts: opts.devMounts ?? false,
    sweepIntervalMs: opts.sweepIntervalMs,
    highAvailability: backend.ha,
  });
}

/** Starts listening with an already-built core; closing stops HTTP, seals and closes storage. */
export async function serve(config: ServerConfig, core: Core, backend: StorageBackend): Promise<RunningServer> {
  const http = await createHttpServer({ handler: core, maxRequestBytes: config.maxRequestBytes, tls: config.tls, forwardedFor: config.forwardedFor });
  const { address } = await http.listen(config.listen.host, config.listen.port);
  // HA: when (and whenever) this server is active, the standbys send their clients there
  if (backend.ha !== undefined && config.apiAddress === undefined) {
    console.error(`hush: HA is on but api_addr is not set: standbys will send requests to ${address}, which must reach this server from theirs`);
  }
  await core.announceAddress(config.apiAddress ?? address).catch(() => undefined);
  backend.ha?.onLost(() => console.error('hush: the connection holding the storage lock was lost; this server is a standby now and takes the lock again when it can'));
  // Storage that can no longer be trusted (another server may own it now): stop serving.
  void backend.lost?.then(async (reason) => {
    console.error(`hush: ${reason}; sealing`);
    if (!core.barrier.isSealed()) await core.seal().catch(() => undefined);
  });
  return {
    address,
    core,
    async close() {
      await http.close();
      if (!core.barrier.isSealed()) await core.seal();
      await backend.close();
    },
  };
}
