/**
 * @module `sys/` routes about the seal and the server's state: init, seal-status, unseal, seal,
 * health, leader, rotate and key-status. The status routes answer without a token and while
 * sealed, with Vault's bodies (not the envelope), because load balancers and clients poll them.
 */
import { HushError } from '../../lib/errors.js';
import type { CoreResponse } from '../request.js';
import type { CoreServices } from '../core-services.js';
import { defineSysRoutes } from './sys-context.js';
import { encryptShares, encryptToken, optionalPgpRecipient, pgpRecipients } from '../pgp-recipients.js';

async function sealStatusBody(s: CoreServices): Promise<Record<string, unknown>> {
  const initialized = await s.barrier.isInitialized();
  const config = initialized ? await s.barrier.sealConfig() : undefined;
  const progress = await s.barrier.unsealProgress();
  return {
    type: 'shamir',
    initialized,
    sealed: s.barrier.isSealed(),
    t: config?.secret_threshold ?? 0,
    n: config?.secret_shares ?? 0,
    progress: progress.progress,
    nonce: progress.nonce,
    version: s.identity.version,
    build_date: '2026-11-23T00:00:00Z',
    migration: false,
    cluster_name: s.identity.clusterName,
    cluster_id: s.identity.clusterId,
    recovery_seal: false,
    storage_type: s.identity.storageType,
  };
}

function intParam(data: Readonly<Record<string, unknown>>, name: string, fallback: number): number {
  const v = data[name];
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 100 || n > 599) throw new HushError('bad_request', `invalid ${name}: must be an HTTP status code`);
  return n;
}

/** A boolean field as clients send it (JSON `true`, or `"true"`, `"True"`, `"1"`, `1`). */
export function boolParam(v: unknown): boolean {
  return v === true || v === 'true' || v === 'True' || v === '1' || v === 1;
}

/** Decodes an unseal share given as hex or base64. */
/** An unseal share as operators paste it: hex or base64 (`key` of unseal and generate-root). */
export function decodeShare(key: unknown): Uint8Array {
  if (typeof key !== 'string' || key === '') throw new HushError('bad_request', 'missing required field "key"');
  if (/^[0-9a-fA-F]+$/.test(key) && key.length % 2 === 0) return Buffer.from(key, 'hex');
  const b = Buffer.from(key, 'base64');
  if (b.length === 0) throw new HushError('bad_request', "'key' must be a valid hex or base64 string");
  return b;
}

/** Vault's standby answer: 429, `standbycode`, or the active code with `standbyok`. */
function standbyStatus(data: Readonly<Record<string, unknown>>): number {
  return boolParam(data.standbyok) ? intParam(data, 'activecode', 200) : intParam(data, 'standbycode', 429);
}

async function health(s: CoreServices, data: Readonly<Record<string, unknown>>): Promise<CoreResponse> {
  const initialized = await s.barrier.isInitialized();
  const sealed = s.barrier.isSealed();
  // a server still taking over answers as a standby: load balancers send traffic once it can serve
  const standby = s.highAvailability !== undefined && !s.isActive();
  const status = !initialized
    ? intParam(data, 'uninitcode', 501)
    : sealed
      ? intParam(data, 'sealedcode', 503)
      : standby
        ? standbyStatus(data)
        : intParam(data, 'activecode', 200);
  return {
    status,
    rawBody: {
      initialized,
      sealed,
      standby,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(Date.now() / 1000),
      version: s.identity.version,
      enterprise: false,
      cluster_name: s.identity.clusterName,
      cluster_id: s.identity.clusterId,
      echo_duration_ms: 0,
      clock_skew_ms: 0,
    },
  };
}

export const sealRoutes = defineSysRoutes([
  {
    pattern: /^init$/,
    summary: 'Initialise the server: split the root key into unseal shares.',
    unauthenticated: true,
    whileSealed: true,
    operations: {
      read: async ({ services }) => ({ rawBody: { initialized: await services.barrier.isInitialized() } }),
      update: async ({ services, data }) => {
        const secretShares = Number(data.secret_shares ?? 0);
        const secretThreshold = Number(data.secret_threshold ?? 0);
        if (!Number.isInteger(secretShares) || secretShares < 1 || secretShares > 255) {
          throw new HushError('bad_request', 'secret_shares must be between 1 and 255');
        }
        if (!Number.isInteger(secretThreshold) || secretThreshold < 1 || secretThreshold > secretShares) {
          throw new HushError('bad_request', 'secret_threshold must be between 1 and secret_shares');
        }
        if (secretShares > 1 && secretThreshold === 1) {
          throw new HushError('bad_request', 'threshold must be greater than one for multiple shares');
        }
        // Checked before anything is made, and the shares encrypted before they are stored: a
        // share nobody can open would be lost for good.
        const shareRecipients = await pgpRecipients(data.pgp_keys, secretShares, 'pgp_keys');
        const rootRecipient = await optionalPgpRecipient(data.root_token_pgp_key, 'root_token_pgp_key');
        let encrypted: Uint8Array[] | undefined;
        const alongside = shareRecipients === undefined ? undefined : async (shares: readonly Uint8Array[]) => {
          encrypted = await encryptShares(shares, shareRecipients);
          return [];
        };
        const result = await services.initialize({ secretShares, secretThreshold, alongside });
        try {
          const keys = encrypted ?? result.shares;
          return {
            rawBody: {
              keys: keys.map((k) => Buffer.from(k).toString('hex')),
              keys_base64: keys.map((k) => Buffer.from(k).toString('base64')),
              root_token: rootRecipient ? await encryptToken(result.rootToken, rootRecipient) : result.rootToken,
            },
          };
        } finally {
          for (const share of result.shares) share.fill(0);
        }
      },
    },
  },
  {
    pattern: /^seal-status$/,
    summary: 'Whether the server is sealed, and the unseal progress.',
    unauthenticated: true,
    whileSealed: true,
    operations: { read: async ({ services }) => ({ rawBody: await sealStatusBody(services) }) },
  },
  {
    pattern: /^unseal$/,
    summary: 'Submit one unseal share (or reset the progress).',
    unauthenticated: true,
    whileSealed: true,
    operations: {
      update: async ({ services, data }) => {
        if (!(await services.barrier.isInitialized())) throw new HushError('bad_request', 'Vault is not initialized');
        if (boolParam(data.reset)) services.barrier.resetUnseal();
        else if (services.barrier.isSealed()) await services.submitUnsealShare(decodeShare(data.key));
        return { rawBody: await sealStatusBody(services) };
      },
    },
  },
  {
    pattern: /^health$/,
    summary: 'Health for load balancers: 200 active, 429 standby, 501 uninitialised, 503 sealed.',
    unauthenticated: true,
    whileSealed: true,
    operations: { read: async ({ services, data }) => health(services, data) },
  },
  {
    pattern: /^leader$/,
    summary: 'High-availability status: whether HA is on, whether this server is the active one, and its address.',
    unauthenticated: true,
    whileSealed: true,
    operations: {
      read: async ({ services }) => {
        if (services.barrier.isSealed()) throw new HushError('sealed', 'Vault is sealed');
        const ha = services.highAvailability;
        return {
          rawBody: {
            ha_enabled: ha !== undefined,
            is_self: ha === undefined ? false : ha.isActive(),
            active_time: '0001-01-01T00:00:00Z',
            leader_address: ha === undefined ? '' : ((await ha.activeAddress()) ?? ''),
            leader_cluster_address: '',
            performance_standby: false,
            performance_standby_last_remote_wal: 0,
          },
        };
      },
    },
  },
  {
    pattern: /^step-down$/,
    summary: 'HA: the active server hands its role to a standby and becomes one.',
    sudo: true,
    operations: {
      update: async ({ services }) => {
        if (services.highAvailability?.isActive() !== true) {
          throw new HushError('bad_request', 'this server is not the active server of an HA cluster');
        }
        // once this request has been answered and audited (stepping down closes the audit log)
        void services.stepDown().catch(() => undefined);
        return {};
      },
    },
  },
  {
    pattern: /^seal$/,
    summary: 'Seal the server: forget the keys until unsealed again.',
    sudo: true,
    operations: {
      update: async ({ services }) => {
        await services.seal();
        return {};
      },
    },
  },
  {
    pattern: /^rotate$/,
    summary: 'Add a new encryption key term; new writes use it, old data stays readable.',
    sudo: true,
    operations: {
      update: async ({ services }) => {
        await services.barrier.rotate();
        return {};
      },
    },
  },
  {
    pattern: /^key-status$/,
    summary: 'The current encryption key term.',
    operations: {
      read: async ({ services }) => ({ data: { ...services.barrier.keyStatus() }, copyDataToTopLevel: true }),
    },
  },
]);
