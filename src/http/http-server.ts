/**
 * @module The HTTP server: Fastify as the adapter between HTTP and the core's
 * {@link RequestHandler}. It serves Vault's API under `/v1/`, including the `LIST` verb (see
 * `list-verb-connection.ts`), over plain HTTP or TLS 1.2+. It knows nothing about secrets.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestHandler } from '../core/request.js';
import { installListVerb } from './list-verb-connection.js';
import type { ListVerbSupport } from './list-verb-connection.js';
import { normalizeAddress, toCoreRequest } from './request-mapping.js';
import { clientAddress } from './forwarded-for.js';
import type { ForwardedForSettings } from './forwarded-for.js';
import { errorBody, renderCoreResponse, renderError } from './response-rendering.js';
import { forwardRequest } from './request-forwarding.js';
import type { RelayedResponse } from './request-forwarding.js';
import type { ErrorLog, RenderedResponse } from './response-rendering.js';

export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** Idle keep-alive connections are closed after this long (Go's and Fastify's order of size). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** On close, requests in flight get this long to finish before connections are cut. */
const CLOSE_GRACE_MS = 10_000;
const API_PREFIX = '/v1/';
const API_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];

export interface HttpServerOptions {
  readonly handler: RequestHandler;
  /** Largest request body accepted; larger ones get 413. Default 32 MiB. */
  readonly maxRequestBytes?: number;
  /** Serve HTTPS (TLS 1.2 or newer) with these PEM files. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly minVersion?: 'TLSv1.2' | 'TLSv1.3' };
  /** Where unexpected errors are reported (default: stderr). */
  readonly errorLog?: ErrorLog;
  /** Take the client's address from `X-Forwarded-For` sent by these proxies (`forwarded-for.ts`). */
  readonly forwardedFor?: ForwardedForSettings;
}

export interface HttpServer {
  /** Starts listening; `address` is the URL clients use, e.g. `http://127.0.0.1:8200`. */
  listen(host: string, port: number): Promise<{ address: string }>;
  /** Stops accepting, lets requests in flight finish (briefly), closes every connection. */
  close(): Promise<void>;
  /** The underlying Node server (for tests). */
  readonly server: http.Server | https.Server;
}

export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const tlsOptions =
    opts.tls === undefined
      ? undefined
      : {
          cert: await readFile(opts.tls.certFile),
          key: await readFile(opts.tls.keyFile),
          minVersion: opts.tls.minVersion ?? 'TLSv1.2',
        };
  const errorLog = opts.errorLog;
  let listVerb: ListVerbSupport | undefined;
  let server: http.Server | https.Server | undefined;
  let closing = false;

  const app = Fastify({
    logger: false,
    bodyLimit: opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    exposeHeadRoutes: false,
    return503OnClosing: false,
    routerOptions: { maxParamLength: 8192 },
    clientErrorHandler: (err, socket) => listVerb?.onClientError(err, socket),
    frameworkErrors: (err, _request, reply) => {
      send(reply, renderFastifyError(err));
    },
    serverFactory: (fastifyHandler) => {
      const created = tlsOptions === undefined ? http.createServer() : https.createServer(tlsOptions);
      created.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      listVerb = installListVerb(created, tlsOptions === undefined ? 'connection' : 'secureConnection', http.maxHeaderSize);
      const support = listVerb;
      created.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        support.trackRequest(req, res);
        if (closing) res.setHeader('connection', 'close');
        fastifyHandler(req, res);
      });
      server = created;
      return created;
    },
  });

  app.removeAllContentTypeParsers();
  // Vault reads every body as JSON whatever its content type (curl -d sends a form type).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.route({
    method: API_METHODS,
    url: `${API_PREFIX}*`,
    handler: async (request, reply) => {
      const id = randomUUID();
      const body = Buffer.isBuffer(request.body) ? request.body : undefined;
      let rendered: RenderedResponse;
      try {
        const core = toCoreRequest(
          {
            method: request.method,
            path: (request.params as { readonly '*': string })['*'],
            query: request.query as Record<string, string | string[] | undefined>,
            headers: request.headers,
            body,
            remoteAddress:
              opts.forwardedFor === undefined
                ? request.socket.remoteAddress
                : clientAddress(normalizeAddress(request.socket.remoteAddress), request.headers['x-forwarded-for'], opts.forwardedFor),
          },
          id,
        );
        const res = await opts.handler.handle(core);
        if (res.forward !== undefined) {
          const relayed = await forwardRequest(res.forward, { method: request.method, url: request.url, headers: request.headers, body });
          if (relayed !== undefined) return sendRelayed(reply, relayed);
        }
        rendered = renderCoreResponse(id, res);
      } catch (err) {
        rendered = renderError(err, id, errorLog);
      }
      return send(reply, rendered);
    },
  });

  app.setNotFoundHandler((request, reply) => {
    // A known path with a method Vault does not serve is 405; anything outside /v1/ is 404.
    const status = request.url.startsWith(API_PREFIX) ? 405 : 404;
    return send(reply, { status, body: errorBody([]) });
  });

  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    return send(reply, renderFastifyError(err, errorLog, request.id));
  });

  await app.ready();
  const nodeServer = server as unknown as http.Server | https.Server;
  const support = listVerb as ListVerbSupport;
  const scheme = tlsOptions === undefined ? 'http' : 'https';

  return {
    server: nodeServer,
    async listen(host, port) {
      await new Promise<void>((resolve, reject) => {
        nodeServer.once('error', reject);
        nodeServer.listen(port, host, () => {
          nodeServer.off('error', reject);
          resolve();
        });
      });
      const address = nodeServer.address() as AddressInfo;
      const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { address: `${scheme}://${hostPart}:${address.port}` };
    },
    async close() {
      closing = true;
      await app.close();
      if (!nodeServer.listening) {
        support.destroyAll();
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          nodeServer.closeAllConnections();
          support.destroyAll();
        }, CLOSE_GRACE_MS);
        timer.unref();
        nodeServer.close(() => {
          clearTimeout(timer);
          resolve();
        });
        nodeServer.closeIdleConnections();
      });
    },
  };
}

/** The active server's answer to a request this standby forwarded, as it came. */
function sendRelayed(reply: FastifyReply, relayed: RelayedResponse): FastifyReply {
  reply.code(relayed.status).headers(relayed.headers);
  return relayed.body === null ? reply.send() : reply.send(relayed.body);
}

function send(reply: FastifyReply, rendered: RenderedResponse): FastifyReply {
  reply.code(rendered.status).header('cache-control', 'no-store');
  if (rendered.location !== undefined) reply.header('location', rendered.location);
  if (rendered.body === null) return reply.send();
  return reply.header('content-type', 'application/json').send(rendered.body);
}

/** Fastify's own errors (body too large, bad content type, bad URL …) in Vault's shape. */
function renderFastifyError(err: FastifyError, log?: ErrorLog, requestId = 'unknown'): RenderedResponse {
  const status = err.statusCode;
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: errorBody(['http: request body too large']) };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: errorBody([err.message]) };
  }
  return renderError(err, requestId, log);
}
