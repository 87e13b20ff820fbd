/**
 * @module The `LIST` verb on a real connection. Node's HTTP parser refuses `LIST` with
 * `HPE_INVALID_METHOD` before any handler runs, and a refused parser cannot go on.
 *
 * A connection starts served by Node directly: its parser reads the real socket itself (from
 * C++, the fastest path; putting a stream between them cost about 13 µs of the event loop per
 * request). When that parser refuses a request (`LIST`, or anything else), the connection is
 * taken over ({@link SplicedConnection.adopt}): Node's listeners leave the real socket, and from
 * then on it is a chain of {@link VirtualSocket}s, one per parser. When a parser refuses
 * `LIST …`, the request (bytes from its `L` on, plus everything received after) is rewritten to
 * `GET …?list=true&…` and replayed to a fresh parser on a new virtual socket, on the same
 * connection. Responses still leave in request order: the responses Node is still writing for
 * the direct parser go first, then only the oldest virtual socket in the chain writes; a newer
 * one's writes wait until every response of the older ones has been written. Keep-alive,
 * pipelining, bodies, TLS and a method split across TCP segments all work because nothing here
 * frames HTTP: the bytes the parser saw are exactly the bytes that arrived, except the one
 * rewritten request line (see `classifyRefusedMethod` for the segments the direct parser read
 * unseen).
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

/** Socket events whose listeners from Node's HTTP server leave the socket at a take-over: its
 * parser no longer reads, and the connection's timeouts, end and pauses are the chain's. Its
 * 'close' (frees its parser, aborts its requests) and 'drain' (its responses' backpressure)
 * listeners stay for the responses it still writes. */
const DETACHED_EVENTS = ['data', 'end', 'timeout', 'resume', 'pause'] as const;

type SocketListener = (...args: unknown[]) => void;

/** A connection Node's parser serves directly (until its first refused request). */
interface DirectConnection {
  /** The listeners of {@link DETACHED_EVENTS} Node's HTTP server added to the real socket. */
  readonly nodeListeners: ReadonlyArray<readonly [event: string, listener: SocketListener]>;
  /** The last request Node's parser emitted on it. */
  lastRequest: IncomingMessage | undefined;
  /** Taken over by a {@link SplicedConnection}. */
  adopted: boolean;
}

/** What the HTTP server wiring needs from the LIST support. */
export interface ListVerbSupport {
  /** Install as the server's only 'clientError' handler. */
  onClientError(err: Error, socket: Duplex): void;
  /** Call for every request before the application sees it. */
  trackRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Destroys every connection taken over (the last step of closing the server; Node closes the
   * ones it serves directly). */
  destroyAll(): void;
  /** Connections taken over and still open, for tests. */
  readonly connectionCount: number;
}

/**
 * Serves `server`'s connections directly and takes one over when its parser refuses a request.
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
  const direct = new WeakMap<Duplex, DirectConnection>();
  const connections = new Set<SplicedConnection>();
  const attach = (socket: VirtualSocket): void => nodeListener.call(server, socket);

  server.on(connectionEvent, (raw: Socket) => {
    const before = new Set(DETACHED_EVENTS.flatMap((event) => raw.listeners(event)));
    nodeListener.call(server, raw);
    const nodeListeners = DETACHED_EVENTS.flatMap((event) =>
      (raw.listeners(event) as SocketListener[]).filter((l) => !before.has(l)).map((l) => [event, l] as const),
    );
    direct.set(raw, { nodeListeners, lastRequest: undefined, adopted: false });
  });

  return {
    onClientError(err, socket) {
      if (socket instanceof VirtualSocket) {
        socket.parseFailed(err);
        return;
      }
      const served = direct.get(socket);
      if (served === undefined) {
        socket.destroy(); // e.g. a failed TLS handshake: nothing to answer
        return;
      }
      if (served.adopted) return; // a late error of the parser it had (a request timeout): the chain serves it now
      served.adopted = true;
      const connection = new SplicedConnection(socket as Socket, attach, maxLineBytes, () => connections.delete(connection));
      connections.add(connection);
      connection.adopt(served, err);
    },
    trackRequest(req, res) {
      if (req.socket instanceof VirtualSocket) req.socket.trackRequest(req, res);
      else {
        const served = direct.get(req.socket);
        if (served !== undefined) served.lastRequest = req;
      }
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
  /** Node's parser served the connection before it was taken over, and responses to its
   * requests are still being written: nothing in the chain may write yet. */
  #directResponses = false;
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

  /**
   * Takes over a connection Node's parser served until it refused a request (`err`): Node's
   * listeners leave the socket (adding ours makes Node stop reading it from C++), the refused
   * request is handled as a virtual socket's would be, and the chain writes once Node has
   * written every response it owes.
   */
  adopt(served: DirectConnection, err: Error): void {
    const raw = this.raw;
    for (const [event, listener] of served.nodeListeners) raw.removeListener(event, listener);
    this.#directResponses = true;
    this.#listen();
    raw.resume(); // Node may have paused it for its responses' backpressure
    this.#refused(err, { current: true, midRequest: served.lastRequest !== undefined && !served.lastRequest.complete, tailBefore: undefined, after: [] });
    this.#afterDirectResponses();
  }

  /** Opens the chain's turn to write once Node's own responses on the socket are written:
   * Node writes them one after another, so the one it writes now (`_httpMessage`, Node's
   * property) is followed by the next when it closes, and none is left when it has none. */
  #afterDirectResponses(): void {
    if (this.#gone) return;
    const writing = (this.raw as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (writing !== null && writing !== undefined && !this.raw.destroyed) {
      writing.once('close', () => this.#afterDirectResponses());
      return;
    }
    this.#directResponses = false;
    // Node set its keep-alive timer after its last response: the chain keeps its own time.
    this.raw.setTimeout(this.#collecting === null ? 0 : REQUEST_LINE_TIMEOUT_MS);
    this.#advance();
  }

  #listen(): void {
    const raw = this.raw;
    raw.on('data', this.#onData);
    raw.on('end', this.#onEnd);
    raw.on('timeout', this.#onTimeout);
    raw.on('error', () => {}); // 'close' follows and tears everything down
    raw.on('close', () => this.destroyAll());
  }

  isHead(socket: VirtualSocket): boolean {
    return this.#chain[0] === socket && !this.#directResponses;
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
    const current = this.isCurrent(socket);
    this.#refused(error, { current, midRequest: socket.midRequest, tailBefore: socket.tailBefore, after: current ? socket.takeUndelivered() : [] });
  }

  /** Answers what a parser refused: a `LIST` is rewritten and replayed, anything else answered
   * with an error (after the responses before it) or, inside a request, the connection cut. */
  #refused(error: Error, at: RefusalContext): void {
    const err = error as ClientError;
    const packet = err.rawPacket;
    if (err.code === 'HPE_INVALID_METHOD' && at.current && Buffer.isBuffer(packet)) {
      const refused = classifyRefusedMethod(packet, err.bytesParsed ?? -1, at.tailBefore, at.after);
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
    if (answer === null || at.midRequest || !at.current) {
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

  /** A new parser on a virtual socket, fed `initial` (a rewritten request and what followed). */
  #spawn(initial: Buffer): void {
    const socket = new VirtualSocket(this);
    // Forget the timer of an earlier parser: the new one sets its own keep-alive timer when idle.
    this.raw.setTimeout(0);
    this.#chain.push(socket);
    this.#attach(socket);
    this.#feed(socket, initial);
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
    if (this.#gone || this.#directResponses) return;
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

/** Where a parser's refusal happened, as {@link SplicedConnection} needs to answer it. */
interface RefusalContext {
  /** The refusing parser is the last one (it reads the connection now). */
  readonly current: boolean;
  /** It refused inside a request whose body it had not finished. */
  readonly midRequest: boolean;
  /** The last bytes it saw before the refused chunk; undefined when they were not seen. */
  readonly tailBefore: Buffer | undefined;
  /** Bytes received after the refused chunk that it has not parsed. */
  readonly after: readonly Buffer[];
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
