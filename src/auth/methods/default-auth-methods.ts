/**
 * @module The auth methods a default server can mount (the token method is built into the core).
 */
import type { AuthMethodFactory } from './auth-method.js';
import { createAuthMethodRegistry } from './auth-method-registry.js';
import type { AuthMethodRegistry } from './auth-method-registry.js';

export const defaultAuthMethodFactories: readonly AuthMethodFactory[] = [];

export function createDefaultAuthMethodRegistry(): AuthMethodRegistry {
  return createAuthMethodRegistry(defaultAuthMethodFactories);
}
