/**
 * @module KV version 1: one unversioned JSON object per key. `read`/`create`/`update`/`delete`
 * at any key path, `list` of any folder; the stored value is the request body. The same engine
 * serves `cubbyhole/` with a per-token `scope`.
 *
 * Storage layout (under the mount's view): the key path itself (`<scope><path>`), so that
 * listing a folder is one `list` of the view.
 */
import { badRequest, notFound } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';
import type { EngineRequest, EngineResponse, SecretsEngine } from '../engine.js';
import { definePath, dispatch } from '../path-table.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { checkKeyPath, folderPath } from './kv-params.js';

export interface KvV1EngineOptions {
  readonly view: Storage;
  /** Storage prefix for a request: `''` for kv, `<caller>/` for cubbyhole. May throw to refuse. */
  readonly scope?: (req: EngineRequest) => string;
}

/** The key path for read and delete, or undefined: an invalid path simply is not there. */
function existingKey(path: string): string | undefined {
  try {
    return checkKeyPath(path);
  } catch {
    return undefined;
  }
}

export function createKvV1Engine(options: KvV1EngineOptions): SecretsEngine {
  const { view } = options;
  const scope = options.scope ?? (() => '');

  const table = [
    definePath({
      pattern: /^(?<path>.*)$/,
      summary: 'Read, write, delete or list unversioned secrets.',
      operations: {
        read: async (req): Promise<EngineResponse> => {
          const prefix = scope(req);
          const key = existingKey(req.path);
          const bytes = key === undefined ? undefined : await view.get(prefix + key);
          if (bytes === undefined) throw notFound();
          return { data: decodeJson<Record<string, unknown>>(bytes) };
        },
        update: async (req): Promise<EngineResponse> => {
          const prefix = scope(req);
          const key = checkKeyPath(req.path);
          if (Object.keys(req.data).length === 0) throw badRequest('missing data fields');
          await view.put(prefix + key, encodeJson(req.data));
          return {};
        },
        delete: async (req): Promise<EngineResponse> => {
          const prefix = scope(req);
          const key = existingKey(req.path);
          if (key !== undefined) await view.delete(prefix + key);
          return {};
        },
        list: async (req): Promise<EngineResponse> => {
          const prefix = scope(req);
          const keys = await view.list(prefix + folderPath(req.path));
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    }),
  ];

  const handle = (req: EngineRequest) => dispatch(table, req);
  // A scoped engine (cubbyhole) cannot answer without the caller, so it leaves `exists` out.
  if (options.scope !== undefined) return { handle };
  return {
    handle,
    exists: async (path) => {
      const key = existingKey(path);
      return key !== undefined && (await view.get(key)) !== undefined;
    },
  };
}
