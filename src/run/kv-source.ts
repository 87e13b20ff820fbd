/**
 * @module Reads whole secrets for `hush run`, KV v1 or v2, the way the vault CLI does: it first
 * asks `sys/internal/ui/mounts/<path>` which mount serves the path and which KV version it runs
 * (cached per mount), then reads `<mount>data/<rest>` (v2, optionally `?version=N`) or
 * `<mount><rest>` (v1). "Nothing there" (404, or a deleted/destroyed v2 version) is `undefined`,
 * not an error; every other failure is thrown as the client raised it (ApiError, ConnectionError).
 */
import { ApiError } from '../client/hush-client.js';
import type { HushClient } from '../client/hush-client.js';
import { HushError } from '../lib/errors.js';

/** One secret's key/value pairs. */
export type SecretData = Readonly<Record<string, unknown>>;

/** Where secrets come from; a fake in tests, the server in production. */
export interface SecretSource {
  /** The data at `path` (mount included), or `undefined` when there is none. */
  read(path: string, version?: number): Promise<SecretData | undefined>;
}

interface MountInfo {
  readonly mount: string;
  readonly v2: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A source reading from a Hush (or Vault) server with `client`. */
export function createKvSource(client: Pick<HushClient, 'read'>): SecretSource {
  const mounts: MountInfo[] = [];

  async function mountOf(path: string): Promise<MountInfo> {
    const known = mounts.find((m) => path.startsWith(m.mount));
    if (known) return known;
    let info: MountInfo;
    try {
      const res = await client.read(`sys/internal/ui/mounts/${path}`);
      const data = isRecord(res.body?.data) ? res.body.data : {};
      const mount = typeof data.path === 'string' && data.path !== '' ? data.path.replace(/\/?$/, '/') : `${path.split('/')[0]}/`;
      const type = typeof data.type === 'string' ? data.type : 'kv';
      if (!['kv', 'generic', 'cubbyhole'].includes(type)) {
        throw new HushError('bad_request', `${mount} is a ${type} mount, not a KV secrets engine`);
      }
      const options = isRecord(data.options) ? data.options : {};
      info = { mount, v2: String(options.version ?? '1') === '2' };
    } catch (err) {
      // servers without the pre-flight route: KV v1 at the first segment, like vault
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      info = { mount: `${path.split('/')[0]}/`, v2: false };
    }
    mounts.push(info);
    return info;
  }

  return {
    async read(path, version) {
      const clean = path.replace(/^\/+|\/+$/g, '');
      const { mount, v2 } = await mountOf(clean);
      const rest = clean.startsWith(mount) ? clean.slice(mount.length) : clean.slice(clean.indexOf('/') + 1);
      if (!v2 && version !== undefined) throw new HushError('bad_request', `${mount} is KV version 1: it has no versions`);
      try {
        if (v2) {
          const res = await client.read(`${mount}data/${rest}`, version === undefined ? undefined : { version: String(version) });
          const data = isRecord(res.body?.data) ? res.body.data : {};
          return isRecord(data.data) ? data.data : undefined;
        }
        const res = await client.read(`${mount}${rest}`);
        return isRecord(res.body?.data) ? res.body.data : undefined;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }
    },
  };
}
