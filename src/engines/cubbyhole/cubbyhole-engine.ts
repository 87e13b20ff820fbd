/**
 * @module The `cubbyhole` engine: KV v1 semantics in a private space per token. Storage is keyed
 * by the request's `callerId` (`<callerId>/<path>` under the mount's view), so one token can
 * never read, list or overwrite another's cubbyhole; a request without a caller is refused.
 * Removing a token's cubbyhole when the token is revoked is the token store's job (delete the
 * `<callerId>/` subtree of this mount's view).
 */
import { permissionDenied } from '../../lib/errors.js';
import type { EngineFactory, EngineRequest, SecretsEngine } from '../engine.js';
import type { Storage } from '../../storage/storage.js';
import { createKvV1Engine } from '../kv/kv-v1-engine.js';

/** The storage prefix of the caller's cubbyhole. */
export function cubbyholePrefix(req: Pick<EngineRequest, 'callerId'>): string {
  const caller = req.callerId;
  if (caller === undefined || caller === '' || caller.includes('/') || caller === '.' || caller === '..') {
    throw permissionDenied();
  }
  return `${caller}/`;
}

export function createCubbyholeEngine(options: { readonly view: Storage }): SecretsEngine {
  return createKvV1Engine({ view: options.view, scope: cubbyholePrefix });
}

export const cubbyholeEngineFactory: EngineFactory = {
  type: 'cubbyhole',
  async create({ view }) {
    return createCubbyholeEngine({ view });
  },
};
