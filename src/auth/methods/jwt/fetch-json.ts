/**
 * @module Fetching a small JSON document (an OIDC discovery document or a JWKS) over HTTP(S),
 * optionally trusting an extra CA (`oidc_discovery_ca_pem`, `jwks_ca_pem`) on top of the system
 * roots. Bounded in time and size. Errors say what failed without echoing the body.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

export class FetchJsonError extends Error {
  override readonly name = 'FetchJsonError';
}

export interface FetchJsonOptions {
  /** Extra CA certificate(s), PEM; added to the system roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

/** GETs `url` and parses its JSON body; rejects with a {@link FetchJsonError} on any failure. */
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
  const tlsOptions = parsed.protocol === 'https:' && opts.caPem ? { ca: [...rootCertificates, opts.caPem] } : {};
  const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      parsed,
      { method: 'GET', headers: { accept: 'application/json' }, timeout: opts.timeoutMs ?? TIMEOUT_MS, ...tlsOptions },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(new FetchJsonError(`server answered HTTP ${status}`));
          return;
        }
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
    req.end();
  });
}
