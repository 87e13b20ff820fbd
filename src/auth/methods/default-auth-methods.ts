/**
 * @module The auth methods a default server can mount (the token method is built into the core).
 */
import type { AuthMethodFactory } from './auth-method.js';
import { createAuthMethodRegistry } from './auth-method-registry.js';
import type { AuthMethodRegistry } from './auth-method-registry.js';
import { approleAuthMethodFactory } from './approle/approle-method.js';
import { userpassAuthMethodFactory } from './userpass/userpass-method.js';
import { jwtAuthMethodFactory, oidcAuthMethodFactory } from './jwt/jwt-auth-method.js';

export const defaultAuthMethodFactories: readonly AuthMethodFactory[] = [
  approleAuthMethodFactory,
  userpassAuthMethodFactory,
  jwtAuthMethodFactory,
  oidcAuthMethodFactory,
];

export function createDefaultAuthMethodRegistry(): AuthMethodRegistry {
  return createAuthMethodRegistry(defaultAuthMethodFactories);
}
