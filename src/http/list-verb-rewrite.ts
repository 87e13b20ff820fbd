/**
 * @module Byte-level helpers for the `LIST` verb (see `list-verb-connection.ts` for the plumbing).
 * Node's HTTP parser only knows a fixed set of methods and stops at `LIST` with
 * `HPE_INVALID_METHOD`. These pure functions find the failed request's first bytes and turn
 * `LIST /v1/x?a=b HTTP/1.1` into `GET /v1/x?list=true&a=b HTTP/1.1`, leaving headers and body
 * untouched, so the request can be replayed to a fresh parser.
 */

const LF = 0x0a;
const SP = 0x20;
const QUESTION = 0x3f;
const LIST_SP = Buffer.from('LIST ', 'latin1');
const GET_SP = Buffer.from('GET ', 'latin1');
const LIST_PARAM = Buffer.from('list=true', 'latin1');
const LIST_PARAM_AMP = Buffer.from('list=true&', 'latin1');
const QUESTION_BYTE = Buffer.from('?', 'latin1');

/** How many bytes before a chunk are kept: a refused method may have started in an earlier
 * TCP segment (`LI` | `ST /x …`), and the parser reports the refusal where it stopped. */
export const METHOD_TAIL_BYTES = 16;

/** Keeps the last {@link METHOD_TAIL_BYTES} bytes of everything seen so far. */
export function nextTail(tail: Buffer, chunk: Buffer): Buffer {
  if (chunk.length >= METHOD_TAIL_BYTES) return chunk.subarray(chunk.length - METHOD_TAIL_BYTES);
  const joined = Buffer.concat([tail, chunk]);
  return joined.length > METHOD_TAIL_BYTES ? joined.subarray(joined.length - METHOD_TAIL_BYTES) : joined;
}

/** What the parser refused: a `LIST` request (its bytes from `L` on), another verb, or junk. */
export type RefusedMethod =
  | { readonly kind: 'list'; readonly bytes: Buffer }
  | { readonly kind: 'unknown-verb' }
  | { readonly kind: 'garbage' };

const LI = Buffer.from('LI', 'latin1');
const L = 0x4c;
const I = 0x49;
const S = 0x53;

/**
 * Classifies the request the parser refused with `HPE_INVALID_METHOD`.
 *
 * The parser stops at the first byte that continues no method it knows. For `LIST` that is the
 * `S`: `LI` is still a prefix of `LINK`, and no method starts with `I` or `S…` fails there. So a
 * refusal at an `S` right after `LI` is a `LIST` that started two bytes earlier, even when the
 * previous request's body ended just before it without a line break, and even when `LI` came
 * in an earlier TCP segment (hence `tailBefore`).
 *
 * When the earlier segments were never seen (`tailBefore` undefined: Node's parser read the
 * connection itself), a refusal at the packet's first `S`, or at an `S` right after a first `I`,
 * means the method began in an earlier segment (no method starts with `I`, and `S` may start
 * one), and its bytes there are taken to be `LI` / `L`. A client sending methods Node knows,
 * and `LIST`, is only refused there inside `LIST`: any other method that goes on with that `S`
 * is a prefix Node's parser accepts. Only an unknown method ending in `…ST` or `…IST`, split
 * at that point, would be read as `LIST`; the rewrite still needs `ST ` to follow.
 *
 * @param packet the chunk the parser was executing (`err.rawPacket`)
 * @param errorAt where in `packet` it stopped (`err.bytesParsed`)
 * @param tailBefore the last bytes delivered before `packet`, or undefined when not seen
 * @param after bytes received after `packet` that the parser has not seen
 */
export function classifyRefusedMethod(
  packet: Buffer,
  errorAt: number,
  tailBefore: Buffer | undefined,
  after: readonly Buffer[],
): RefusedMethod {
  if (errorAt < 0 || errorAt >= packet.length) return { kind: 'garbage' };
  const failed = packet[errorAt] as number;
  if (failed === S && byteBefore(packet, errorAt, tailBefore, 2, L) === L && byteBefore(packet, errorAt, tailBefore, 1, I) === I) {
    return { kind: 'list', bytes: Buffer.concat([LI, packet.subarray(errorAt), ...after]) };
  }
  return failed >= 0x41 && failed <= 0x5a ? { kind: 'unknown-verb' } : { kind: 'garbage' };
}

/** The byte `back` places before `packet[at]`; `unseen` when it came before `packet` and the
 * bytes there were not seen. */
function byteBefore(packet: Buffer, at: number, tail: Buffer | undefined, back: number, unseen: number): number | undefined {
  if (at - back >= 0) return packet[at - back];
  return tail === undefined ? unseen : tail[tail.length - (back - at)];
}

/** Outcome of {@link rewriteListRequest}. */
export type ListRewrite =
  | { readonly kind: 'rewritten'; readonly bytes: Buffer }
  | { readonly kind: 'need-more' }
  | { readonly kind: 'not-list' }
  | { readonly kind: 'too-long' };

/**
 * Rewrites a request that starts with `LIST ` into a `GET` with `list=true` as the first query
 * parameter (Vault reads the first value). Returns `need-more` until the whole request line is
 * there, `not-list` for any other method and `too-long` when the line exceeds `maxLineBytes`.
 */
export function rewriteListRequest(bytes: Buffer, maxLineBytes: number): ListRewrite {
  const prefixLength = Math.min(bytes.length, LIST_SP.length);
  if (bytes.compare(LIST_SP, 0, prefixLength, 0, prefixLength) !== 0) return { kind: 'not-list' };
  const lineEnd = bytes.indexOf(LF, LIST_SP.length);
  if (lineEnd === -1) {
    return bytes.length > maxLineBytes ? { kind: 'too-long' } : { kind: 'need-more' };
  }
  if (lineEnd > maxLineBytes) return { kind: 'too-long' };
  const targetEnd = bytes.indexOf(SP, LIST_SP.length);
  if (targetEnd === -1 || targetEnd > lineEnd) return { kind: 'not-list' };
  const target = bytes.subarray(LIST_SP.length, targetEnd);
  const question = target.indexOf(QUESTION);
  const parts =
    question === -1
      ? [GET_SP, target, QUESTION_BYTE, LIST_PARAM, bytes.subarray(targetEnd)]
      : [GET_SP, target.subarray(0, question + 1), LIST_PARAM_AMP, target.subarray(question + 1), bytes.subarray(targetEnd)];
  return { kind: 'rewritten', bytes: Buffer.concat(parts) };
}
