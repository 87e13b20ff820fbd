/**
 * @module Fetching a small JSON document (an OIDC discovery document, a JWKS, a provider's token
 * endpoint answer to a form POST, a Kubernetes TokenReview) over HTTP(S), optionally trusting an
 * extra CA (`oidc_discovery_ca_pem`, `kubernetes_ca_cert` …) on top of the system roots. Bounded
 * in time and size. Errors say what failed without echoing the body (an OAuth error code excepted).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

export class FetchJsonError extends Error {
  override readonly name = 'FetchJsonError';
  /** The OAuth `error` code of a refusal (`invalid_grant` …), when the answer named one. */
  readonly oauthError: string | undefined;

  constructor(message: string, oauthError?: string) {
    super(message);
    this.oauthError = oauthError;
  }
}

export interface FetchJsonOptions {
  /** Extra CA certificate(s), PEM; added to the system roots. */
  readonly caPem?: string;
  /** With `caPem`: trust only it, not the system roots (a private API server's own CA). */
  readonly caOnly?: boolean;
  readonly timeoutMs?: number;
  /** POSTs this form (`application/x-www-form-urlencoded`) instead of a GET. */
  readonly form?: URLSearchParams;
  /** POSTs this value as JSON instead of a GET. */
  readonly json?: unknown;
  /** Extra request headers (e.g. the client's Basic credentials). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The OAuth error code in a refusal's body (RFC 6749 section 5.2), if it has a sane one. */
function oauthErrorOf(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { error?: unknown } | null)?.error;
    return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** GETs `url` (or POSTs `opts.form` or `opts.json` to it) and parses its JSON body; rejects with a
 * {@link FetchJsonError} on any failure. */
export function fetchJson(url: string, opts: FetchJsonOptions = {}): Promise<unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new FetchJsonError('invalid URL'));
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return Promise.reject(new FetchJsonError('URL must use http or https'));
  }
  const tlsOptions = parsed.protocol === 'https:' && opts.caPem ? { ca: opts.caOnly ? [opts.caPem] : [...rootCertificates, opts.caPem] } : {};
  const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  const body =
    opts.form !== undefined ? Buffer.from(opts.form.toString(), 'utf8') : opts.json !== undefined ? Buffer.from(JSON.stringify(opts.json), 'utf8') : undefined;
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (body !== undefined) {
    headers['content-type'] = opts.form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = send(
      parsed,
      { method: body === undefined ? 'GET' : 'POST', headers, timeout: opts.timeoutMs ?? TIMEOUT_MS, ...tlsOptions },
      (res) => {
        const status = res.statusCode ?? 0;
        const failed = status < 200 || status >= 300;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BYTES) {
            req.destroy(new FetchJsonError('response larger than 1 MiB'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => reject(new FetchJsonError(err.message)));
        res.on('end', () => {
          if (failed) {
            reject(new FetchJsonError(`server answered HTTP ${status}`, oauthErrorOf(Buffer.concat(chunks))));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
          } catch {
            reject(new FetchJsonError('response is not valid JSON'));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new FetchJsonError('request timed out')));
    req.on('error', (err) => reject(err instanceof FetchJsonError ? err : new FetchJsonError(err.message)));
    req.end(body);
  });
}
