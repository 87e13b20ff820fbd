/**
 * @module A small typed client of the Hush (Vault-compatible) HTTP API, shared by the CLI and
 * the UI. It speaks plain node:http/https so that a CA file and `VAULT_SKIP_VERIFY` work without
 * extra dependencies. Errors come back as {@link ApiError} with the server's messages.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type https from 'node:https';
import { readFileSync } from 'node:fs';
import { deferredExtraCa } from './deferred-extra-ca-certs.js';

/** node:https (and with it TLS) is loaded only for https addresses, to keep commands quick to start. */
const loadHttps = (): typeof https => createRequire(import.meta.url)('node:https') as typeof https;

export interface ClientOptions {
  /** `http://127.0.0.1:8200` */
  readonly address: string;
  readonly token?: string;
  /** PEM file of the CA that signed the server's certificate. */
  readonly caCertFile?: string;
  readonly skipVerify?: boolean;
  /** Request timeout in milliseconds (default 60 s). */
  readonly timeoutMs?: number;
  /** `X-Vault-Wrap-TTL` on every request: the server answers with a wrapping token instead. */
  readonly wrapTtl?: string;
}

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T | undefined;
}

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'LIST';

/** The server answered with an error status. `errors` are Vault's messages. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly errors: readonly string[],
    readonly path: string,
  ) {
    super(errors.length > 0 ? errors.join('; ') : `HTTP ${status}`);
  }
}

/** The server could not be reached at all (connection refused, DNS, TLS). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** Redirects followed for one request (a standby sends its clients to the active server). */
const MAX_REDIRECTS = 3;

export class HushClient {
  readonly #opts: ClientOptions;
  readonly #agent: http.Agent | https.Agent;
  readonly #base: URL;

  constructor(opts: ClientOptions) {
    this.#opts = opts;
    this.#base = new URL(opts.address);
    this.#agent =
      this.#base.protocol === 'https:'
        ? new (loadHttps().Agent)({
            keepAlive: true,
            // an explicit CA file replaces the defaults, as in Node; otherwise the defaults plus
            // NODE_EXTRA_CA_CERTS when the launcher kept Node from loading it at start-up
            ca: opts.caCertFile ? readFileSync(opts.caCertFile) : deferredExtraCa(),
            rejectUnauthorized: !opts.skipVerify,
            minVersion: 'TLSv1.2',
          })
        : new http.Agent({ keepAlive: true });
  }

  withToken(token: string): HushClient {
    return new HushClient({ ...this.#opts, token });
  }

  /** The same client, asking for every answer wrapped for `ttl` (`-wrap-ttl=120s`). */
  withWrapTtl(ttl: string): HushClient {
    return new HushClient({ ...this.#opts, wrapTtl: ttl });
  }

  get token(): string | undefined {
    return this.#opts.token;
  }

  read<T = Record<string, unknown>>(path: string, query?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, query);
  }
  list<T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, { list: 'true' });
  }
  write<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, body);
  }
  patch<T = Record<string, unknown>>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, body, undefined, { 'content-type': 'application/merge-patch+json' });
  }
  delete<T = Record<string, unknown>>(path: string, query?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, undefined, query);
  }

  /** Sends one request to `/v1/<path>`; resolves for 2xx (and for 404/429/5xx on status
   * routes when `acceptStatuses` lists them), rejects with ApiError otherwise. */
  request<T>(
    method: Method,
    path: string,
    body?: unknown,
    query?: Record<string, string>,
    headers: Record<string, string> = {},
    acceptStatuses: readonly number[] = [],
  ): Promise<ApiResponse<T>> {
    const url = new URL(`/v1/${path.replace(/^\/+/, '')}`, this.#base);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const reqHeaders: Record<string, string> = { 'x-vault-request': 'true', ...headers };
    if (this.#opts.token) reqHeaders['x-vault-token'] = this.#opts.token;
    if (this.#opts.wrapTtl) reqHeaders['x-vault-wrap-ttl'] = this.#opts.wrapTtl;
    if (payload) {
      reqHeaders['content-type'] ??= 'application/json';
      reqHeaders['content-length'] = String(payload.length);
    }
    return this.#send<T>(method, url, path, reqHeaders, payload, acceptStatuses, MAX_REDIRECTS);
  }

  /**
   * One request; a 307 or 308 (an HA standby naming the active server) is sent again, as it was,
   * to its `Location`, never from https to http (the token would travel in the clear).
   */
  #send<T>(
    method: Method,
    url: URL,
    path: string,
    reqHeaders: Record<string, string>,
    payload: Buffer | undefined,
    acceptStatuses: readonly number[],
    redirectsLeft: number,
  ): Promise<ApiResponse<T>> {
    const mod = url.protocol === 'https:' ? loadHttps() : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        url,
        { method, headers: reqHeaders, agent: url.protocol === this.#base.protocol ? this.#agent : undefined, timeout: this.#opts.timeoutMs ?? 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const location = res.headers.location;
            if ((status === 307 || status === 308) && location !== undefined && redirectsLeft > 0) {
              const next = new URL(location, url);
              if (url.protocol === 'https:' && next.protocol !== 'https:') {
                reject(new ConnectionError(`the server redirected to ${next.origin} without TLS: refused`));
                return;
              }
              this.#send<T>(method, next, path, reqHeaders, payload, acceptStatuses, redirectsLeft - 1).then(resolve, reject);
              return;
            }
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            if ((status >= 200 && status < 300) || acceptStatuses.includes(status)) {
              resolve({ status, body: parsed as T | undefined });
              return;
            }
            const errors = Array.isArray((parsed as { errors?: unknown })?.errors)
              ? ((parsed as { errors: unknown[] }).errors.map(String))
              : [];
            reject(new ApiError(status, errors, path));
          });
          res.on('error', (err) => reject(new ConnectionError(err.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', (err) => reject(new ConnectionError(`cannot reach ${this.#base.origin}: ${err.message}`)));
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
