/**
 * @module The `kv` engine factory: `options.version` `"2"` mounts {@link createKvV2Engine},
 * anything else (absent, `"1"`) mounts {@link createKvV1Engine}, as Vault does.
 */
import type { EngineFactory } from '../engine.js';
import { createKvV1Engine } from './kv-v1-engine.js';
import { createKvV2Engine } from './kv-v2-engine.js';

export const kvEngineFactory: EngineFactory = {
  type: 'kv',
  async create({ view, mount }) {
    return mount.options['version'] === '2' ? createKvV2Engine({ view }) : createKvV1Engine({ view });
  },
};
