/**
 * @module The auth-method types this build can mount, by name. `sys/auth` refuses other types
 * before writing anything.
 */
import { HushError } from '../../lib/errors.js';
import type { AuthMethodFactory } from './auth-method.js';

export interface AuthMethodRegistry {
  get(type: string): AuthMethodFactory;
  has(type: string): boolean;
  types(): string[];
}

export function createAuthMethodRegistry(factories: readonly AuthMethodFactory[]): AuthMethodRegistry {
  const byType = new Map(factories.map((f) => [f.type, f]));
  return {
    get(type) {
      const f = byType.get(type);
      if (!f) throw new HushError('bad_request', `plugin not found in the catalog: ${type}`);
      return f;
    },
    has: (type) => byType.has(type),
    types: () => [...byType.keys()].sort(),
  };
}
