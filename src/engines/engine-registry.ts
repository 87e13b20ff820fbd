/**
 * @module The catalogue of secrets-engine types: which {@link EngineFactory} builds a mount of
 * type `kv`, `cubbyhole`, … . The core asks it when a mount is enabled or started; an unknown
 * type fails before anything is written. New engines (transit, database) add their factory to
 * {@link defaultEngineFactories}.
 */
import { HushError } from '../lib/errors.js';
import type { EngineFactory } from './engine.js';
import { cubbyholeEngineFactory } from './cubbyhole/cubbyhole-engine.js';
import { kvEngineFactory } from './kv/kv-engine-factory.js';

export interface EngineRegistry {
  /** The factory for `type`; throws `bad_request` (Vault: plugin not found) when unknown. */
  get(type: string): EngineFactory;
  has(type: string): boolean;
  /** Registered types, sorted. */
  types(): string[];
}

/** The engines Hush ships. */
export const defaultEngineFactories: readonly EngineFactory[] = Object.freeze([kvEngineFactory, cubbyholeEngineFactory]);

export function createEngineRegistry(factories: readonly EngineFactory[]): EngineRegistry {
  const byType = new Map<string, EngineFactory>();
  for (const factory of factories) {
    if (byType.has(factory.type)) throw new Error(`engine type "${factory.type}" registered twice`);
    byType.set(factory.type, factory);
  }
  return {
    get(type) {
      const factory = byType.get(type);
      if (!factory) throw new HushError('bad_request', `plugin not found in the catalog: ${type}`);
      return factory;
    },
    has: (type) => byType.has(type),
    types: () => [...byType.keys()].sort(),
  };
}

export function createDefaultEngineRegistry(): EngineRegistry {
  return createEngineRegistry(defaultEngineFactories);
}
