/**
 * @module JWT login throughput: a GitHub Actions-shaped token from a local issuer (keys given to
 * the server as `jwt_validation_pubkeys`), `POST auth/jwt-bench/login` with `{jwt, role}` exactly
 * as hashicorp/vault-action sends it, at 32 connections. Every login verifies the RS256 signature
 * and the role's bindings and issues (stores) a token. Prints nothing itself; returns the figures.
 */
import { runLoad } from './load.js';
import type { LoadResult } from './load.js';
import { githubClaims, startOidcIssuer } from '../test/helpers/oidc-issuer.js';

const MOUNT = 'jwt-bench';

export async function benchJwtLogin(server: { address: string; token: string; pid?: number }, seconds: number): Promise<LoadResult> {
  const issuer = await startOidcIssuer();
  try {
    const headers = { 'x-vault-token': server.token, 'content-type': 'application/json' };
    const put = async (path: string, body: unknown) => {
      const res = await fetch(`${server.address}/v1/${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path} answered ${res.status}`);
    };
    await put(`sys/auth/${MOUNT}`, { type: 'jwt' });
    await put(`auth/${MOUNT}/config`, { jwt_validation_pubkeys: [await issuer.publicPem()], bound_issuer: issuer.url });
    await put('sys/policies/acl/bench-jwt', { policy: 'path "secret/data/bench/*" { capabilities = ["read"] }' });
    await put(`auth/${MOUNT}/role/ci`, {
      role_type: 'jwt',
      user_claim: 'actor',
      bound_audiences: ['https://github.com/acme'],
      bound_claims_type: 'glob',
      bound_claims: { sub: 'repo:acme/shop:ref:refs/heads/*' },
      claim_mappings: { repository: 'repository', ref: 'ref' },
      token_policies: ['bench-jwt'],
      token_ttl: '10m',
    });
    const jwt = await issuer.mint(githubClaims(), { expiresIn: seconds + 600 });
    const body = JSON.stringify({ jwt, role: 'ci' });
    const check = await fetch(`${server.address}/v1/auth/${MOUNT}/login`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    if (check.status !== 200) throw new Error(`JWT login answered ${check.status}`);
    return await runLoad({
      name: 'JWT login (RS256, GitHub-shaped)',
      url: `${server.address}/v1/auth/${MOUNT}/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      seconds,
      body,
    }, undefined, server.pid);
  } finally {
    await issuer.close();
  }
}
