/**
 * @module Storage of the AppRole method inside its mount's view (layout in README.md). Role IDs
 * and secret IDs appear in keys only as HMAC-SHA256 under a random per-mount key, kept in the
 * (encrypted) view itself; secret IDs are never stored in any other form. Every change goes
 * through {@link AppRoleStore.commit} (one transaction), so that the entries the store keeps
 * decoded for logins (roles, secret IDs: read on every login, changed rarely) are forgotten as
 * they change.
 */
import { randomBytes } from 'node:crypto';
import { HushError } from '../../../lib/errors.js';
import type { Storage, StorageOp } from '../../../storage/storage.js';
import { hashToken } from '../../token-format.js';
import { DecodedCache } from '../../../lib/decoded-cache.js';
import type { AccessorEntry, AppRole, SecretIdEntry } from './approle-types.js';

const HMAC_KEY = 'hmac-key';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function decode<T>(bytes: Uint8Array): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (cause) {
    throw new HushError('internal', 'stored AppRole entry is corrupt', { cause });
  }
}

export const roleKey = (name: string) => `role/${name}`;
export const roleIdKey = (roleIdHash: string) => `role-id/${roleIdHash}`;
export const secretIdKey = (roleUuid: string, secretIdHash: string) => `secret-id/${roleUuid}/${secretIdHash}`;
export const accessorKey = (roleUuid: string, accessor: string) => `accessor/${roleUuid}/${accessor}`;

export const putOp = (key: string, value: unknown): StorageOp => ({ kind: 'put', key, value: encode(value) });
export const deleteOp = (key: string): StorageOp => ({ kind: 'delete', key });

export class AppRoleStore {
  /** The mount's view; private, so that every change goes through {@link commit}. */
  readonly #storage: Storage;
  readonly #key: Uint8Array;
  /** Entries as read by every caller, frozen (see `lib/decoded-cache.ts`). */
  readonly #decoded = new DecodedCache();

  private constructor(storage: Storage, key: Uint8Array) {
    this.#storage = storage;
    this.#key = key;
  }

  /** Opens the store, creating the mount's HMAC key on first use. */
  static async open(storage: Storage): Promise<AppRoleStore> {
    let key = await storage.get(HMAC_KEY);
    if (!key || key.length === 0) {
      key = randomBytes(32);
      await storage.put(HMAC_KEY, key);
    }
    return new AppRoleStore(storage, key);
  }

  hashSecretId(secretId: string): string {
    return hashToken(`secret-id:${secretId}`, this.#key);
  }

  hashRoleId(roleId: string): string {
    return hashToken(`role-id:${roleId}`, this.#key);
  }

  /** The entry at `key`, decoded once and shared (frozen): callers change copies. */
  #read<T extends object>(key: string): Promise<Readonly<T> | undefined> {
    return this.#decoded.read(key, '', () => this.#storage.get(key), (bytes) => decode<T>(bytes));
  }

  /** The entry at `key` for a sweep over many: what is kept, else read past every cache. */
  async #scan<T extends object>(key: string): Promise<Readonly<T> | undefined> {
    const kept = this.#decoded.get<T>(key, '');
    if (kept !== undefined) return kept;
    const bytes = await this.#storage.get(key, { scan: true });
    return bytes === undefined ? undefined : decode<T>(bytes);
  }

  /** Applies `ops` in one transaction, forgetting the decoded entries they touch. */
  commit(ops: readonly StorageOp[]): Promise<void> {
    return this.#decoded.writing(
      ops.map((op) => op.key),
      () => this.#storage.transaction(ops),
    );
  }

  getRole(name: string): Promise<AppRole | undefined> {
    return this.#read<AppRole>(roleKey(name));
  }

  async listRoles(): Promise<string[]> {
    return (await this.#storage.list('role/')).filter((n) => !n.endsWith('/'));
  }

  /** The name of the role whose role ID is `roleId`, if any. */
  async roleNameById(roleId: string): Promise<string | undefined> {
    return (await this.#read<{ name: string }>(roleIdKey(this.hashRoleId(roleId))))?.name;
  }

  getSecretId(roleUuid: string, secretIdHash: string): Promise<SecretIdEntry | undefined> {
    return this.#read<SecretIdEntry>(secretIdKey(roleUuid, secretIdHash));
  }

  getAccessor(roleUuid: string, accessor: string): Promise<AccessorEntry | undefined> {
    return this.#read<AccessorEntry>(accessorKey(roleUuid, accessor));
  }

  /** {@link getSecretId} and {@link getAccessor} for the tidy sweep, which reads each once. */
  scanSecretId(roleUuid: string, secretIdHash: string): Promise<SecretIdEntry | undefined> {
    return this.#scan<SecretIdEntry>(secretIdKey(roleUuid, secretIdHash));
  }

  scanAccessor(roleUuid: string, accessor: string): Promise<AccessorEntry | undefined> {
    return this.#scan<AccessorEntry>(accessorKey(roleUuid, accessor));
  }

  async listAccessors(roleUuid: string): Promise<string[]> {
    return (await this.#storage.list(`accessor/${roleUuid}/`)).filter((n) => !n.endsWith('/'));
  }

  /** Every role UUID that still has secret IDs stored (including those of deleted roles). */
  async listSecretIdRoles(): Promise<string[]> {
    return (await this.#storage.list('secret-id/')).filter((n) => n.endsWith('/')).map((n) => n.slice(0, -1));
  }

  async listSecretIdHashes(roleUuid: string): Promise<string[]> {
    return (await this.#storage.list(`secret-id/${roleUuid}/`)).filter((n) => !n.endsWith('/'));
  }

  /** Operations removing one secret ID and its accessor index. */
  deleteSecretIdOps(roleUuid: string, secretIdHash: string, accessor: string): StorageOp[] {
    return [deleteOp(secretIdKey(roleUuid, secretIdHash)), deleteOp(accessorKey(roleUuid, accessor))];
  }

  /** Operations removing every secret ID and accessor of a role. */
  async deleteAllSecretIdsOps(roleUuid: string): Promise<StorageOp[]> {
    const hashes = await this.listSecretIdHashes(roleUuid);
    const accessors = await this.listAccessors(roleUuid);
    return [...hashes.map((h) => deleteOp(secretIdKey(roleUuid, h))), ...accessors.map((a) => deleteOp(accessorKey(roleUuid, a)))];
  }
}
