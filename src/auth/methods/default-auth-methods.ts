/**
 * @module The auth methods a default server can mount (the token method is built into the core).
 */
import type { AuthMethodFactory } from './auth-method.js';
import { createAuthMethodRegistry } from './auth-method-registry.js';
import type { AuthMethodRegistry } from './auth-method-registry.js';
import { approleAuthMethodFactory } from './approle/approle-method.js';

/** A factory whose module (and its libraries: jose for JWT) loads when a mount of the type starts,
 * so that a server without such a mount never holds them in memory. */
function loadedOnUse(type: string, load: () => Promise<AuthMethodFactory>): AuthMethodFactory {
  return { type, create: async (ctx) => (await load()).create(ctx) };
}

export const defaultAuthMethodFactories: readonly AuthMethodFactory[] = [
  approleAuthMethodFactory,
  loadedOnUse('userpass', async () => (await import('./userpass/userpass-method.js')).userpassAuthMethodFactory),
  loadedOnUse('jwt', async () => (await import('./jwt/jwt-auth-method.js')).jwtAuthMethodFactory),
  loadedOnUse('oidc', async () => (await import('./jwt/jwt-auth-method.js')).oidcAuthMethodFactory),
  loadedOnUse('kubernetes', async () => (await import('./kubernetes/kubernetes-auth-method.js')).kubernetesAuthMethodFactory),
];

export function createDefaultAuthMethodRegistry(): AuthMethodRegistry {
  return createAuthMethodRegistry(defaultAuthMethodFactories);
}
