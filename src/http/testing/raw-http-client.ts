/**
 * @module Test support: a tiny HTTP/1.1 client on raw sockets (node:net / node:tls), so tests
 * control exactly which bytes go out in which TCP write, and read back every response in order.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { RequestHandler } from '../../core/request.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A connection that sends raw bytes and parses the responses (Content-Length bodies only). */
export class RawConnection {
  readonly #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #responses: RawResponse[] = [];
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number, options: { tls?: { ca: Buffer } } = {}): Promise<RawConnection> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s =
        options.tls === undefined
          ? net.connect(port, '127.0.0.1', () => resolve(s))
          : tls.connect({ port, host: '127.0.0.1', ca: options.tls.ca, servername: 'localhost' }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    return new RawConnection(socket);
  }

  /** Writes bytes as one TCP write and waits until they are flushed. */
  async write(data: string | Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => this.#socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** Waits until `count` responses have arrived in total (or the socket closed). */
  async responses(count: number, timeoutMs = 5000): Promise<RawResponse[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#responses.length < count && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.#responses.length}/${count} responses`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#responses.slice();
  }

  /** Waits for the server to close the connection. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  /** Stops reading (the server then meets backpressure); {@link resume} reads again. */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #parse(): void {
    for (;;) {
      const headEnd = this.#buffer.indexOf('\r\n\r\n');
      if (headEnd === -1) break;
      const [statusLine = '', ...lines] = this.#buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? '0');
      if (this.#buffer.length < headEnd + 4 + length) break;
      const body = this.#buffer.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(headEnd + 4 + length);
      this.#responses.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    }
    this.#wake();
  }
}

/** A stub core that echoes what it was asked; paths containing `slow` answer after 60 ms. */
export function echoHandler(): RequestHandler & { readonly seen: Array<{ operation: string; path: string }> } {
  const seen: Array<{ operation: string; path: string }> = [];
  return {
    seen,
    async handle(req) {
      seen.push({ operation: req.operation, path: req.path });
      if (req.path.includes('slow')) await new Promise((r) => setTimeout(r, 60));
      return { data: { operation: req.operation, path: req.path, query: req.query, body: req.data } };
    },
  };
}

/** `{operation, path}` of an echoed response body. */
export function echoed(response: RawResponse | undefined): { operation: string; path: string } {
  if (response === undefined) throw new Error('missing response');
  const data = (JSON.parse(response.body) as { data: { operation: string; path: string } }).data;
  return { operation: data.operation, path: data.path };
}
