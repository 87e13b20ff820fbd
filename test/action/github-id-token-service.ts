/**
 * @module A loopback stand-in for GitHub's ID-token service: answers `GET
 * /_apis/token?api-version=2.0[&audience=…]` with `{"value": "<jwt>"}`, a GitHub-shaped token
 * minted by the test OIDC issuer, only for a known request bearer (as
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` is). Each bearer stands for one job, with its own claims.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubClaims } from '../helpers/oidc-issuer.js';
import type { OidcIssuer } from '../helpers/oidc-issuer.js';

export interface IdTokenService {
  /** The value for `ACTIONS_ID_TOKEN_REQUEST_URL` (with its query, as GitHub gives it). */
  readonly requestUrl: string;
  /** Registers a job: its request bearer mints tokens with these claim overrides. */
  addJob(bearer: string, claims?: Record<string, unknown>): void;
  /** The audiences asked for, per request (`null`: none given). */
  readonly audiences: Array<string | null>;
  close(): Promise<void>;
}

export async function startIdTokenService(issuer: OidcIssuer): Promise<IdTokenService> {
  const jobs = new Map<string, Record<string, unknown>>();
  const audiences: Array<string | null> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = bearer === undefined ? undefined : jobs.get(bearer);
    if (req.method !== 'GET' || url.pathname !== '/_apis/token' || url.searchParams.get('api-version') !== '2.0') {
      res.writeHead(404).end();
      return;
    }
    if (!claims) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad bearer"}');
      return;
    }
    const audience = url.searchParams.get('audience');
    audiences.push(audience);
    // GitHub's default audience is the URL of the repository owner
    const aud = audience ?? `https://github.com/${String(githubClaims(claims).repository_owner)}`;
    issuer.mint(githubClaims({ ...claims, aud })).then(
      (value) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value })),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    requestUrl: `http://127.0.0.1:${port}/_apis/token?api-version=2.0`,
    addJob: (bearer, claims = {}) => jobs.set(bearer, claims),
    audiences,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
