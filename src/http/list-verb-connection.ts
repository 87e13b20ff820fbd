/**
 * @module The `LIST` verb on a real connection. Node's HTTP parser refuses `LIST` with
 * `HPE_INVALID_METHOD` before any handler runs, and a refused parser cannot go on. So the HTTP
 * server never sees the real socket: each connection is a chain of {@link VirtualSocket}s, one
 * per parser. When a parser refuses `LIST …`, the request (bytes from its `L` on, plus
 * everything received after) is rewritten to `GET …?list=true&…` and replayed to a fresh
 * parser on a new virtual socket, on the same connection. Responses still leave in request
 * order: only the oldest virtual socket in the chain writes; a newer one's writes wait until
 * every response of the older ones has been written. Keep-alive, pipelining, bodies, TLS and a
 * method split across TCP segments all work because nothing here frames HTTP: the bytes the
 * parser saw are exactly the bytes that arrived, except the one rewritten request line.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { classifyRefusedMethod, rewriteListRequest } from './list-verb-rewrite.js';
import { VirtualSocket } from './virtual-socket.js';
import type { SocketOwner } from './virtual-socket.js';

/** The fields Node adds to a parser error passed to 'clientError'. */
interface ClientError extends Error {
  readonly code?: string;
  readonly bytesParsed?: number;
  readonly rawPacket?: unknown;
}

/** How long the rest of a refused `LIST` request line may take to arrive. */
const REQUEST_LINE_TIMEOUT_MS = 30_000;
/** How long a connection that got a final error answer may stay open for the client to read it. */
const FAILED_CONNECTION_GRACE_MS = 2_000;

type ConnectionListener = (this: Server, socket: Duplex) => void;

/** What the HTTP server wiring needs from the LIST support. */
export interface ListVerbSupport {
  /** Install as the server's only 'clientError' handler. */
  onClientError(err: Error, socket: Duplex): void;
  /** Call for every request before the application sees it. */
  trackRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Destroys every open connection (the last step of closing the server). */
  destroyAll(): void;
  /** Open connections (real sockets), for tests and shutdown. */
  readonly connectionCount: number;
}

/**
 * Puts virtual sockets between `server` and its connections.
 * @param connectionEvent `'connection'` for `http.Server`, `'secureConnection'` for `https.Server`
 * @param maxLineBytes longest request line accepted while rewriting (Node's header size limit)
 */
export function installListVerb(
  server: Server,
  connectionEvent: 'connection' | 'secureConnection',
  maxLineBytes: number,
): ListVerbSupport {
  const [nodeListener, ...others] = server.listeners(connectionEvent) as ConnectionListener[];
  if (nodeListener === undefined || others.length > 0) {
    throw new Error(`expected exactly one '${connectionEvent}' listener on the HTTP server`);
  }
  server.removeListener(connectionEvent, nodeListener);
  const connections = new Set<SplicedConnection>();
  const attach = (socket: VirtualSocket): void => nodeListener.call(server, socket);

  server.on(connectionEvent, (raw: Socket) => {
    const connection = new SplicedConnection(raw, attach, maxLineBytes, () => connections.delete(connection));
    connections.add(connection);
    connection.start();
  });

  return {
    onClientError(err, socket) {
      if (socket instanceof VirtualSocket) socket.parseFailed(err);
      else socket.destroy(); // e.g. a failed TLS handshake: nothing to answer
    },
    trackRequest(req, res) {
      if (req.socket instanceof VirtualSocket) req.socket.trackRequest(req, res);
    },
    destroyAll() {
      for (const connection of connections) connection.destroyAll();
    },
    get connectionCount() {
      return connections.size;
    },
  };
}

class SplicedConnection implements SocketOwner {
  readonly raw: Socket;
  readonly #attach: (socket: VirtualSocket) => void;
  readonly #maxLineBytes: number;
  readonly #onGone: () => void;
  /** Oldest first: the head may write, the last one reads. */
  readonly #chain: VirtualSocket[] = [];
  /** Bytes of a refused request while its request line is still arriving. */
  #collecting: Buffer | null = null;
  /** A final error answer, written once every earlier response has been written. */
  #failure: Buffer | null = null;
  #rawEnded = false;
  #failed = false;
  #gone = false;

  constructor(raw: Socket, attach: (socket: VirtualSocket) => void, maxLineBytes: number, onGone: () => void) {
    this.raw = raw;
    this.#attach = attach;
    this.#maxLineBytes = maxLineBytes;
    this.#onGone = onGone;
  }

  start(): void {
    const raw = this.raw;
    raw.on('data', this.#onData);
    raw.on('end', this.#onEnd);
    raw.on('timeout', this.#onTimeout);
    raw.on('error', () => {}); // 'close' follows and tears everything down
    raw.on('close', () => this.destroyAll());
    this.#spawn(null);
  }

  isHead(socket: VirtualSocket): boolean {
    return this.#chain[0] === socket;
  }

  isCurrent(socket: VirtualSocket): boolean {
    return this.#chain[this.#chain.length - 1] === socket && this.#collecting === null;
  }

  wantMore(socket: VirtualSocket): void {
    if (this.isCurrent(socket) && !socket.dead) this.raw.resume();
  }

  finalFrom(socket: VirtualSocket, callback: (err?: Error | null) => void): void {
    // The head ends the connection (Connection: close, or the client half-closed): nothing
    // after it may be answered.
    for (const later of this.#chain.splice(this.#chain.indexOf(socket) + 1)) later.retire();
    this.#collecting = null;
    this.#failure = null;
    this.raw.end();
    callback();
  }

  destroyedFrom(socket: VirtualSocket): void {
    if (!socket.retired) this.destroyAll();
  }

  responsesDone(socket: VirtualSocket): void {
    if (socket.dead) this.#advance();
  }

  onParseError(socket: VirtualSocket, error: Error): void {
    if (socket.dead || socket.retired || this.#gone) return;
    socket.dead = true;
    const err = error as ClientError;
    const packet = err.rawPacket;
    if (err.code === 'HPE_INVALID_METHOD' && this.isCurrent(socket) && Buffer.isBuffer(packet)) {
      const refused = classifyRefusedMethod(packet, err.bytesParsed ?? -1, socket.tailBefore, socket.takeUndelivered());
      if (refused.kind === 'list') {
        this.#collecting = refused.bytes;
        this.raw.resume(); // it may have been paused for the refused parser's backlog
        this.raw.setTimeout(REQUEST_LINE_TIMEOUT_MS); // no parser watches the clock meanwhile
        this.#tryRewrite();
      } else if (refused.kind === 'unknown-verb') {
        this.#fail(405, 'unsupported HTTP method');
      } else {
        this.#fail(400, 'malformed HTTP request');
      }
      return;
    }
    const answer = answerFor(err.code);
    if (answer === null || socket.midRequest || !this.isCurrent(socket)) {
      this.destroyAll();
      return;
    }
    this.#fail(answer.status, answer.message);
  }

  destroyAll(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#collecting = null;
    this.#failure = null;
    for (const socket of this.#chain.splice(0)) socket.retire();
    this.raw.destroy();
    this.#onGone();
  }

  #spawn(initial: Buffer | null): void {
    const socket = new VirtualSocket(this);
    // Forget the timer of an earlier parser: the new one sets its own keep-alive timer when idle.
    if (initial !== null) this.raw.setTimeout(0);
    this.#chain.push(socket);
    this.#attach(socket);
    if (initial !== null) this.#feed(socket, initial);
    if (this.#rawEnded) socket.push(null);
    this.#advance();
  }

  #feed(socket: VirtualSocket, chunk: Buffer): void {
    if (!socket.feed(chunk) && this.isCurrent(socket)) this.raw.pause();
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#failed) return; // read and drop, so that closing does not reset the answer
    if (this.#collecting !== null) {
      this.#collecting = Buffer.concat([this.#collecting, chunk]);
      this.#tryRewrite();
      return;
    }
    const current = this.#chain[this.#chain.length - 1];
    if (current !== undefined && !current.dead) this.#feed(current, chunk);
  };

  readonly #onEnd = (): void => {
    this.#rawEnded = true;
    if (this.#collecting !== null) {
      this.#tryRewrite();
      return;
    }
    const current = this.#chain[this.#chain.length - 1];
    if (current !== undefined && !current.dead) current.push(null);
  };

  readonly #onTimeout = (): void => {
    const current = this.#chain[this.#chain.length - 1];
    if (current !== undefined && this.#collecting === null && !current.dead) current.emit('timeout');
    else this.destroyAll();
  };

  #tryRewrite(): void {
    const bytes = this.#collecting as Buffer;
    const result = rewriteListRequest(bytes, this.#maxLineBytes);
    switch (result.kind) {
      case 'need-more':
        if (this.#rawEnded) this.#fail(400, 'malformed HTTP request');
        return;
      case 'too-long':
        this.#fail(414, 'request line too long');
        return;
      case 'not-list': // LISTEN, LISTS …: a verb, just not ours
        this.#fail(405, 'unsupported HTTP method');
        return;
      case 'rewritten':
        this.#collecting = null;
        this.#spawn(result.bytes);
        return;
    }
  }

  /** Answers `status` once every earlier response has left, then closes the connection. */
  #fail(status: number, message: string): void {
    this.#collecting = null;
    this.#failed = true;
    this.#failure = errorResponse(status, message);
    this.raw.resume();
    this.#advance();
  }

  /** Retires dead sockets at the head whose responses are all written; lets the next write. */
  #advance(): void {
    if (this.#gone) return;
    while (this.#chain.length > 0) {
      const head = this.#chain[0] as VirtualSocket;
      if (!head.dead || head.pendingResponses > 0) break;
      this.#chain.shift();
      head.retire();
    }
    const head = this.#chain[0];
    if (head !== undefined) {
      head.flushQueued();
      return;
    }
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#failure = null;
      this.raw.end(failure);
      // A polite client closes after reading the answer; a rude one is cut off shortly after.
      setTimeout(() => this.destroyAll(), FAILED_CONNECTION_GRACE_MS).unref();
    }
  }
}

function answerFor(code: string | undefined): { status: number; message: string } | null {
  if (code === undefined) return null;
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, message: 'request header fields too large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, message: 'request timeout' };
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return { status: 413, message: 'chunk extensions too large' };
  if (code.startsWith('HPE_')) return { status: 400, message: 'malformed HTTP request' };
  return null; // socket errors (ECONNRESET …): nobody to answer
}

function errorResponse(status: number, message: string): Buffer {
  const body = JSON.stringify({ errors: [message] });
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\nCache-Control: no-store\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    'latin1',
  );
}
