/**
 * @module One HTTP/1.1 parser's view of a TCP (or TLS) connection. Node's HTTP server gets a
 * {@link VirtualSocket} instead of the real socket, so that after the parser refuses a request
 * (the `LIST` verb) the same connection can go on with a fresh parser: see
 * `list-verb-connection.ts`. The socket only forwards bytes; its owner decides when it may
 * write (responses leave in request order) and what the real socket does on end and destroy.
 */
import { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { nextTail } from './list-verb-rewrite.js';

const EMPTY = Buffer.alloc(0);

/** What a virtual socket asks of the connection that owns it. */
export interface SocketOwner {
  readonly raw: Socket;
  isHead(socket: VirtualSocket): boolean;
  isCurrent(socket: VirtualSocket): boolean;
  wantMore(socket: VirtualSocket): void;
  finalFrom(socket: VirtualSocket, callback: (err?: Error | null) => void): void;
  destroyedFrom(socket: VirtualSocket): void;
  responsesDone(socket: VirtualSocket): void;
  onParseError(socket: VirtualSocket, err: Error): void;
}

interface QueuedWrite {
  readonly chunk: Buffer;
  readonly callback: (err?: Error | null) => void;
}

export class VirtualSocket extends Duplex {
  readonly #owner: SocketOwner;
  /** Bytes pushed but not yet handed to the parser, oldest first. */
  #undelivered: Buffer[] = [];
  #tailBefore: Buffer = EMPTY;
  #tailAfter: Buffer = EMPTY;
  #queued: QueuedWrite[] = [];
  #queuedFinal: ((err?: Error | null) => void) | undefined;
  #pendingResponses = 0;
  #lastRequest: IncomingMessage | undefined;
  /** The parser refused a request: nothing more will be read through this socket. */
  dead = false;
  /** Taken out of service by its owner: destroying it leaves the real socket alone. */
  retired = false;

  constructor(owner: SocketOwner) {
    super({ allowHalfOpen: true });
    this.#owner = owner;
    // Registered before the HTTP server's own listener, so it runs first for every chunk.
    this.on('data', this.#onDelivered);
  }

  get remoteAddress(): string | undefined {
    return this.#owner.raw.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.#owner.raw.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.#owner.raw.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.#owner.raw.localAddress;
  }
  get localPort(): number | undefined {
    return this.#owner.raw.localPort;
  }
  get encrypted(): boolean {
    return (this.#owner.raw as Socket & { encrypted?: boolean }).encrypted === true;
  }
  address(): ReturnType<Socket['address']> {
    return this.#owner.raw.address();
  }
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once('timeout', callback);
    if (this.#owner.isCurrent(this)) this.#owner.raw.setTimeout(ms);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.#owner.raw.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#owner.raw.setKeepAlive(enable, initialDelay);
    return this;
  }

  /** Hands bytes from the real socket to the parser; false when the parser wants a pause. */
  feed(chunk: Buffer): boolean {
    this.#undelivered.push(chunk);
    return this.push(chunk);
  }

  /** The last bytes the parser saw before the chunk it is executing now. */
  get tailBefore(): Buffer {
    return this.#tailBefore;
  }

  /** Takes the bytes that were pushed but not parsed yet (they move to a new parser). */
  takeUndelivered(): Buffer[] {
    const rest = this.#undelivered;
    this.#undelivered = [];
    return rest;
  }

  /** The HTTP server's parser failed on this socket (its 'clientError'). */
  parseFailed(err: Error): void {
    this.#owner.onParseError(this, err);
  }

  /** Counts a request the server emitted on this socket until its response is done. */
  trackRequest(req: IncomingMessage, res: NodeJS.EventEmitter): void {
    this.#pendingResponses++;
    this.#lastRequest = req;
    res.once('close', () => {
      this.#pendingResponses--;
      if (this.#pendingResponses === 0) this.#owner.responsesDone(this);
    });
  }

  get pendingResponses(): number {
    return this.#pendingResponses;
  }

  /** True when the parser failed inside a request whose body it had not finished. */
  get midRequest(): boolean {
    return this.#lastRequest !== undefined && !this.#lastRequest.complete;
  }

  /** Called by the owner when this socket becomes the one allowed to write. */
  flushQueued(): void {
    const queued = this.#queued;
    this.#queued = [];
    for (const { chunk, callback } of queued) this.#owner.raw.write(chunk, callback);
    const final = this.#queuedFinal;
    this.#queuedFinal = undefined;
    if (final !== undefined) this.#owner.finalFrom(this, final);
  }

  retire(): void {
    this.retired = true;
    this.destroy();
  }

  override _read(): void {
    this.#owner.wantMore(this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#send(chunk, callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (err?: Error | null) => void,
  ): void {
    const first = chunks[0];
    this.#send(chunks.length === 1 && first !== undefined ? first.chunk : Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  #send(chunk: Buffer, callback: (err?: Error | null) => void): void {
    if (this.#queued.length === 0 && this.#owner.isHead(this)) this.#owner.raw.write(chunk, callback);
    else this.#queued.push({ chunk, callback });
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (this.#queued.length === 0 && this.#owner.isHead(this)) this.#owner.finalFrom(this, callback);
    else this.#queuedFinal = callback;
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#queued = [];
    this.#owner.destroyedFrom(this);
    callback(err);
  }

  readonly #onDelivered = (chunk: Buffer): void => {
    this.#tailBefore = this.#tailAfter;
    this.#tailAfter = nextTail(this.#tailAfter, chunk);
    let n = chunk.length;
    while (n > 0 && this.#undelivered.length > 0) {
      const first = this.#undelivered[0] as Buffer;
      if (first.length <= n) {
        n -= first.length;
        this.#undelivered.shift();
      } else {
        this.#undelivered[0] = first.subarray(n);
        n = 0;
      }
    }
  };
}
