/**
 * @module `hush login -method=oidc`: the browser login, as the vault CLI does it. A listener on
 * this machine (`localhost:8250` unless `listenaddress=`/`port=` say otherwise) is the redirect
 * URI; the server gives the provider's authorization URL for it, which is opened in the browser
 * (or only printed, `skip_browser=true`); the provider sends the browser back to the listener
 * with a code (or, in `form_post` mode, posts it), which goes to the server's `oidc/callback`
 * together with this run's own nonce, so that a code caught by another program on the machine
 * cannot be used without it. Gives up after five minutes.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { HushClient } from '../client/hush-client.js';
import { CliError } from './cli-errors.js';

/** The login fields the vault CLI's OIDC method takes (`KEY=VALUE` after the flags). */
export interface OidcLoginFields {
  readonly role?: string;
  readonly listenaddress?: string;
  readonly port?: string;
  readonly callbackmethod?: string;
  readonly callbackhost?: string;
  readonly callbackport?: string;
  readonly skip_browser?: string;
}

const CALLBACK_PATH = '/oidc/callback';
const WAIT_MS = 5 * 60 * 1000;
const MAX_FORM_BYTES = 64 * 1024;

const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`);
}

/** What the provider sent: the query of a redirect, or the body of a form post. */
function providerAnswer(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method !== 'POST') return Promise.resolve(url.searchParams);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) req.destroy(new Error('form too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Opens `url` in the desktop's browser; false when no opener could be started. */
function openBrowser(url: string): Promise<boolean> {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : (err.code ?? 'error');
      reject(new CliError(`cannot listen for the OIDC callback on ${host}:${port} (${why}): pass port=N for another port`, 2));
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function portField(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`${field} must be a port number, got "${value.slice(0, 16)}"`, 1);
  return port;
}

/** Hands what the provider sent to the listener on to the server's `oidc/callback`; the token. */
async function finishLogin(client: HushClient, mount: string, clientNonce: string, req: IncomingMessage, url: URL): Promise<string> {
  const answer = await providerAnswer(req, url);
  const query: Record<string, string> = { state: answer.get('state') ?? '', code: answer.get('code') ?? '', client_nonce: clientNonce };
  for (const field of ['id_token', 'error']) {
    const value = answer.get(field);
    if (value) query[field] = value;
  }
  const done = await client.read<{ auth?: { client_token?: string } }>(`auth/${mount}/oidc/callback`, query);
  const token = done.body?.auth?.client_token;
  if (!token) throw new CliError('the OIDC login returned no token', 2);
  return token;
}

/** Runs the browser login against `auth/<mount>/` and resolves to the new token. */
export async function oidcBrowserLogin(client: HushClient, mount: string, fields: OidcLoginFields): Promise<string> {
  const listenAddress = fields.listenaddress || 'localhost';
  const server = createServer();
  const port = await listen(server, listenAddress, portField(fields.port, 'port', 8250));
  try {
    const callbackPort = portField(fields.callbackport, 'callbackport', port);
    const redirectUri = `${fields.callbackmethod || 'http'}://${fields.callbackhost || 'localhost'}:${callbackPort}${CALLBACK_PATH}`;
    const clientNonce = randomBytes(20).toString('base64url');
    const answered = new Promise<string>((resolve, reject) => {
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname !== CALLBACK_PATH) {
          res.writeHead(404).end();
          return;
        }
        finishLogin(client, mount, clientNonce, req, url).then(
          (token) => {
            page(res, 200, 'Hush: signed in', 'You are logged in. You can close this window and go back to the terminal.');
            resolve(token);
          },
          (err: unknown) => {
            page(res, 400, 'Hush: login failed', err instanceof Error ? err.message : 'the login failed');
            reject(err);
          },
        );
      });
    });
    answered.catch(() => undefined); // awaited below; a request before the URL is out must not go unhandled

    const started = await client.write<{ data?: { auth_url?: string } }>(`auth/${mount}/oidc/auth_url`, {
      role: fields.role ?? '',
      redirect_uri: redirectUri,
      client_nonce: clientNonce,
    });
    const authUrl = started.body?.data?.auth_url;
    if (!authUrl) throw new CliError(`the server gave no authorization URL for role "${fields.role ?? ''}" and redirect_uri ${redirectUri}`, 2);

    const skip = /^(1|t|true|yes)$/i.test(fields.skip_browser ?? '');
    process.stderr.write(`Complete the login via your OIDC provider. ${skip ? 'Open this URL in your browser' : 'Launching browser to'}:\n\n    ${authUrl}\n\n`);
    if (!skip && !(await openBrowser(authUrl))) process.stderr.write('Could not start a browser: open the URL above yourself.\n');
    process.stderr.write('Waiting for OIDC authentication to complete...\n');

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliError('no answer from the OIDC provider within 5 minutes: run hush login -method=oidc again', 2)), WAIT_MS);
    });
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
