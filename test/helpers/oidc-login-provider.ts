/**
 * @module A local OIDC provider for browser-login tests, built on the test issuer: one
 * registered client, an authorization endpoint where a configured user is signed in at once
 * (no login page: the "browser" is a test following redirects), a token endpoint that trades
 * codes for ID tokens, checking what a real provider checks: the client's credentials (Basic or
 * in the body), the code (once, for the redirect URI it was issued for) and the PKCE verifier,
 * and a UserInfo endpoint answering the access tokens it issued.
 * Answers follow OpenID Connect Core 1.0 and RFC 6749 / 7636; nothing here is Hush's own code.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startOidcIssuer } from './oidc-issuer.js';
import type { OidcIssuer } from './oidc-issuer.js';

export interface ProviderUser {
  readonly sub: string;
  /** More ID token claims (email, groups …). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** When the user last signed in (Unix seconds); default: now. */
  readonly authTime?: number;
  /** Claims only the UserInfo endpoint gives (with `sub`, unless this sets another). */
  readonly userinfo?: Readonly<Record<string, unknown>>;
}

export interface TokenRequestSeen {
  /** How the client authenticated. */
  readonly clientAuth: 'basic' | 'post' | 'none';
  /** Whether a PKCE verifier came with the code. */
  readonly withVerifier: boolean;
}

export interface OidcLoginProvider extends OidcIssuer {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Who signs in at the authorization endpoint. */
  user: ProviderUser;
  /** The next authorization is refused with this OAuth error (`access_denied` …). */
  refuseNext(error: string): void;
  /** Claims put over the next ID token's (a wrong nonce, audience …). */
  tamperNext(claims: Readonly<Record<string, unknown>>): void;
  tokenRequests(): readonly TokenRequestSeen[];
}

export interface OidcLoginProviderOptions {
  /** `token_endpoint_auth_methods_supported` (default: Basic and in the body). */
  readonly authMethods?: readonly string[];
  /** The client's secret (default: random base64url). */
  readonly clientSecret?: string;
}

interface IssuedCode {
  readonly redirectUri: string;
  readonly nonce: string;
  readonly challenge: string | undefined;
  readonly user: ProviderUser;
}

const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An auto-submitting form, as providers answer in `form_post` mode. */
function formPost(res: ServerResponse, action: string, fields: Record<string, string>): void {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(action)}">${inputs}</form></body></html>`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startOidcLoginProvider(opts: OidcLoginProviderOptions = {}): Promise<OidcLoginProvider> {
  const clientId = `hush-${randomBytes(4).toString('hex')}`;
  const clientSecret = opts.clientSecret ?? randomBytes(18).toString('base64url');
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, ProviderUser>();
  const tokenRequests: TokenRequestSeen[] = [];
  let refusal: string | undefined;
  let tamper: Readonly<Record<string, unknown>> | undefined;
  const state = { user: { sub: 'alice' } as ProviderUser };

  const idToken = async (user: ProviderUser, nonce: string) => {
    const extra = tamper ?? {};
    tamper = undefined;
    return issuer.mint({
      sub: user.sub,
      aud: clientId,
      nonce,
      auth_time: user.authTime ?? Math.floor(Date.now() / 1000),
      ...user.claims,
      ...extra,
    });
  };

  const authorize = async (url: URL, res: ServerResponse) => {
    const q = Object.fromEntries(url.searchParams);
    if (q['client_id'] !== clientId || !q['redirect_uri']) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown client or missing redirect_uri');
      return;
    }
    const formMode = q['response_mode'] === 'form_post';
    const answer = (fields: Record<string, string>) => {
      if (formMode) return formPost(res, q['redirect_uri']!, fields);
      const target = new URL(q['redirect_uri']!);
      for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
      res.writeHead(302, { location: target.toString() }).end();
    };
    if (refusal !== undefined) {
      const error = refusal;
      refusal = undefined;
      answer({ error, error_description: 'The user declined', state: q['state'] ?? '' });
      return;
    }
    if (q['response_type'] === 'id_token') {
      answer({ id_token: await idToken(state.user, q['nonce'] ?? ''), state: q['state'] ?? '' });
      return;
    }
    const code = randomBytes(16).toString('base64url');
    codes.set(code, { redirectUri: q['redirect_uri']!, nonce: q['nonce'] ?? '', challenge: q['code_challenge'], user: state.user });
    answer({ code, state: q['state'] ?? '' });
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await readBody(req));
    const refuse = (status: number, error: string) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    };
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    let clientAuth: TokenRequestSeen['clientAuth'] = secret !== undefined ? 'post' : 'none';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [user = '', pass = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      const decode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
      [id, secret, clientAuth] = [decode(user), decode(pass), 'basic'];
    }
    const verifier = form.get('code_verifier') ?? undefined;
    tokenRequests.push({ clientAuth, withVerifier: verifier !== undefined });
    if (id !== clientId || secret !== clientSecret) return refuse(401, 'invalid_client');
    if (form.get('grant_type') !== 'authorization_code') return refuse(400, 'unsupported_grant_type');
    const issued = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!issued || issued.redirectUri !== form.get('redirect_uri')) return refuse(400, 'invalid_grant');
    if (issued.challenge !== undefined) {
      const computed = verifier === undefined ? '' : createHash('sha256').update(verifier).digest('base64url');
      if (computed !== issued.challenge) return refuse(400, 'invalid_grant');
    }
    const accessToken = randomBytes(16).toString('hex');
    accessTokens.set(accessToken, issued.user);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: await idToken(issued.user, issued.nonce) }));
  };

  const userinfo = (req: IncomingMessage, res: ServerResponse) => {
    const user = accessTokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!user) {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sub: user.sub, ...user.userinfo }));
  };

  // (the handlers above run only once requests come, after this is set)
  const issuer = await startOidcIssuer({
    discovery: (url) => ({
      authorization_endpoint: `${url}/authorize`,
      token_endpoint: `${url}/token`,
      userinfo_endpoint: `${url}/userinfo`,
      response_types_supported: ['code', 'id_token'],
      response_modes_supported: ['query', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: opts.authMethods ?? ['client_secret_basic', 'client_secret_post'],
    }),
    routes: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://provider');
      const fail = () => res.writeHead(500).end();
      if (req.method === 'GET' && url.pathname === '/authorize') authorize(url, res).catch(fail);
      else if (req.method === 'POST' && url.pathname === '/token') token(req, res).catch(fail);
      else if (req.method === 'GET' && url.pathname === '/userinfo') userinfo(req, res);
      else return false;
      return true;
    },
  });

  // `user` stays an accessor (Object.assign would copy its value once)
  Object.defineProperty(issuer, 'user', {
    get: () => state.user,
    set: (user: ProviderUser) => {
      state.user = user;
    },
  });
  return Object.assign(issuer as OidcIssuer & Pick<OidcLoginProvider, 'user'>, {
    clientId,
    clientSecret,
    refuseNext: (error: string) => {
      refusal = error;
    },
    tamperNext: (claims: Readonly<Record<string, unknown>>) => {
      tamper = claims;
    },
    tokenRequests: () => tokenRequests,
  });
}
