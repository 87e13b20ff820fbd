/**
 * @module A local OIDC issuer for tests: its own RSA and EC keys (jose), a discovery document and
 * a JWKS served over HTTP on 127.0.0.1, key rotation, and `mint(claims, opts)` for tokens with the
 * claim shapes GitHub Actions and GitLab CI really send. The real issuers are not reachable from
 * tests, so `iss` is this server's own loopback URL; the other claims are GitHub's / GitLab's.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export interface IssuerKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface MintOptions {
  /** Which published key signs (default: the current RSA key). */
  readonly key?: IssuerKey;
  /** Override the header's `kid` (e.g. one not in the JWKS); `null` leaves it out. */
  readonly kid?: string | null;
  /** Seconds from now (negative: already expired); default 300. `null` leaves `exp` out. */
  readonly expiresIn?: number | null;
  /** Seconds from now for `nbf` (positive: not yet valid); default 0. */
  readonly notBefore?: number;
  /** Seconds from now for `iat`; default 0. */
  readonly issuedAt?: number;
}

export interface OidcIssuer {
  /** The issuer URL (`iss`) and discovery base, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly jwksUrl: string;
  /** Published keys, current RSA key first. */
  keys(): readonly IssuerKey[];
  readonly rsa: IssuerKey;
  readonly ec: IssuerKey;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  /** Creates a new RSA key, publishes it and makes it the default signer; drops the old RSA key
   * from the JWKS unless `keepOld`. */
  rotate(opts?: { keepOld?: boolean }): Promise<IssuerKey>;
  /** A key that is NOT published (for unknown-key and bad-signature tests). */
  unpublishedKey(kid?: string): Promise<IssuerKey>;
  mint(claims: Record<string, unknown>, opts?: MintOptions): Promise<string>;
  /** PEM (SPKI) of a key's public half, for `jwt_validation_pubkeys`. */
  publicPem(key?: IssuerKey): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

async function makeKey(alg: 'RS256' | 'ES256', kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export interface OidcIssuerOptions {
  /** Serve HTTPS with this certificate and key (PEM), e.g. from `createDevTls`. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** More members of the discovery document (endpoints of a login provider built on this). */
  readonly discovery?: (url: string) => Record<string, unknown>;
  /** Answers other paths; returns false for a 404. */
  readonly routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export async function startOidcIssuer(opts: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  let current = await makeKey('RS256', `rsa-${++counter}`);
  const ec = await makeKey('ES256', `ec-${++counter}`);
  let published: IssuerKey[] = [current, ec];
  let fetches = 0;
  let url = '';

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      send({
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'repository_owner'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        scopes_supported: ['openid'],
        ...opts.discovery?.(url),
      });
    } else if (req.url === '/.well-known/jwks') {
      fetches += 1;
      send({ keys: published.map((k) => k.publicJwk) });
    } else if (!opts.routes?.(req, res)) {
      res.writeHead(404).end();
    }
  };
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const issuer: OidcIssuer = {
    url,
    jwksUrl: `${url}/.well-known/jwks`,
    keys: () => published,
    get rsa() {
      return current;
    },
    ec,
    jwksFetches: () => fetches,
    async rotate(opts = {}) {
      const next = await makeKey('RS256', `rsa-${++counter}`);
      published = [next, ...published.filter((k) => k !== current || opts.keepOld)];
      current = next;
      return next;
    },
    unpublishedKey: (kid) => makeKey('RS256', kid ?? `unpublished-${++counter}`),
    async mint(claims, opts = {}) {
      const key = opts.key ?? current;
      const now = Math.floor(Date.now() / 1000);
      const header: { alg: string; typ: string; kid?: string } = { alg: key.alg, typ: 'JWT' };
      const kid = opts.kid === undefined ? key.kid : opts.kid;
      if (kid !== null) header.kid = kid;
      const body: Record<string, unknown> = {
        iss: url,
        iat: now + (opts.issuedAt ?? 0),
        nbf: now + (opts.notBefore ?? 0),
        ...(opts.expiresIn === null ? {} : { exp: now + (opts.expiresIn ?? 300) }),
        ...claims,
      };
      return new SignJWT(body).setProtectedHeader(header).sign(key.privateKey);
    },
    publicPem: (key) => exportSPKI((key ?? current).publicKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return issuer;
}

/** Claims of a GitHub Actions OIDC token for `acme/shop` (override any of them). */
export function githubClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const repository = (overrides.repository as string | undefined) ?? 'acme/shop';
  const ref = (overrides.ref as string | undefined) ?? 'refs/heads/main';
  const environment = overrides.environment as string | undefined;
  return {
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    sub: environment ? `repo:${repository}:environment:${environment}` : `repo:${repository}:ref:${ref}`,
    aud: 'https://github.com/acme',
    ref,
    sha: 'd6b1a7c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9',
    repository,
    repository_owner: repository.split('/')[0],
    repository_owner_id: '1842',
    repository_id: '74381',
    repository_visibility: 'private',
    run_id: '9182736455',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    actor_id: '583231',
    workflow: 'deploy',
    workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
    job_workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
    event_name: 'push',
    ref_type: 'branch',
    ref_protected: 'true',
    runner_environment: 'github-hosted',
    ...(environment ? { environment } : {}),
    ...overrides,
  };
}

/** Claims of a GitLab CI ID token (`id_tokens:`) for `acme/shop` (override any of them). */
export function gitlabClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const project = (overrides.project_path as string | undefined) ?? 'acme/shop';
  const ref = (overrides.ref as string | undefined) ?? 'main';
  return {
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    sub: `project_path:${project}:ref_type:branch:ref:${ref}`,
    aud: 'https://hush.example.com',
    namespace_id: '72',
    namespace_path: project.split('/')[0],
    project_id: '20',
    project_path: project,
    user_id: '5',
    user_login: 'alice',
    user_email: 'alice@example.com',
    user_access_level: 'developer',
    pipeline_id: '574',
    pipeline_source: 'push',
    job_id: '302',
    ref,
    ref_type: 'branch',
    ref_path: `refs/heads/${ref}`,
    ref_protected: 'true',
    environment: 'production',
    environment_protected: 'true',
    deployment_tier: 'production',
    runner_id: 1,
    runner_environment: 'self-hosted',
    sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
    project_visibility: 'private',
    ci_config_ref_uri: `gitlab.example.com/${project}//.gitlab-ci.yml@refs/heads/${ref}`,
    ...overrides,
  };
}
