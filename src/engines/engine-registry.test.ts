import { describe, expect, it } from 'vitest';
import { HushError } from '../lib/errors.js';
import type { EngineFactory, MountConfig } from './engine.js';
import { createDefaultEngineRegistry, createEngineRegistry, defaultEngineFactories } from './engine-registry.js';
import { engineRequest } from './testing/engine-request.js';
import { MapStorage } from './testing/map-storage.js';

const mount = (options: Record<string, string>): MountConfig => ({
  path: 'secret/',
  type: 'kv',
  description: '',
  options,
  config: {},
});

describe('engine registry', () => {
  it('ships kv and cubbyhole', () => {
    const registry = createDefaultEngineRegistry();
    expect(registry.types()).toEqual(['cubbyhole', 'kv']);
    expect(registry.get('kv').type).toBe('kv');
    expect(registry.has('transit')).toBe(false);
    expect(defaultEngineFactories.map((f) => f.type)).toEqual(['kv', 'cubbyhole']);
  });

  it('refuses unknown types with bad_request and duplicate registrations', () => {
    const registry = createDefaultEngineRegistry();
    expect(() => registry.get('nope')).toThrow(HushError);
    try {
      registry.get('nope');
    } catch (err) {
      expect((err as HushError).code).toBe('bad_request');
    }
    const fake: EngineFactory = { type: 'kv', create: async () => ({ handle: async () => ({}) }) };
    expect(() => createEngineRegistry([fake, fake])).toThrow();
  });

  it('mounts kv v2 for options.version "2" and v1 otherwise', async () => {
    const kv = createDefaultEngineRegistry().get('kv');
    const v2 = await kv.create({ view: new MapStorage(), mount: mount({ version: '2' }) });
    const write = await v2.handle(engineRequest({ operation: 'create', path: 'data/k', data: { data: { a: 1 } } }));
    expect(write.data?.['version']).toBe(1);

    for (const options of [{}, { version: '1' }] as Record<string, string>[]) {
      const view = new MapStorage();
      const v1 = await kv.create({ view, mount: mount(options) });
      await v1.handle(engineRequest({ operation: 'create', path: 'data/k', data: { data: { a: 1 } } }));
      expect(view.keys()).toEqual(['data/k']);
    }
  });
});
