import { describe, expect, it } from 'vitest';
import { classifyRefusedMethod, nextTail, rewriteListRequest } from './list-verb-rewrite.js';
import type { RefusedMethod } from './list-verb-rewrite.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('rewriteListRequest', () => {
  it('adds list=true to a path without a query', () => {
    const out = rewriteListRequest(b('LIST /v1/secret/metadata/x HTTP/1.1\r\nHost: a\r\n\r\n'), 1000);
    expect(out.kind).toBe('rewritten');
    if (out.kind === 'rewritten') {
      expect(out.bytes.toString('latin1')).toBe('GET /v1/secret/metadata/x?list=true HTTP/1.1\r\nHost: a\r\n\r\n');
    }
  });

  it('puts list=true first in an existing query and keeps the body', () => {
    const out = rewriteListRequest(b('LIST /v1/x?a=1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}'), 1000);
    expect(out.kind === 'rewritten' && out.bytes.toString('latin1')).toBe(
      'GET /v1/x?list=true&a=1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}',
    );
  });

  it('asks for more bytes until the request line is complete', () => {
    expect(rewriteListRequest(b('LI'), 1000).kind).toBe('need-more');
    expect(rewriteListRequest(b('LIST /v1/x HTT'), 1000).kind).toBe('need-more');
    expect(rewriteListRequest(b('LIST /v1/x HTT'), 5).kind).toBe('too-long');
    expect(rewriteListRequest(b('LIST /v1/xxxxxxxxxxxx HTTP/1.1\r\n'), 10).kind).toBe('too-long');
  });

  it('refuses other methods and malformed lines', () => {
    expect(rewriteListRequest(b('LISTEN /x HTTP/1.1\r\n'), 1000).kind).toBe('not-list');
    expect(rewriteListRequest(b('FOO /x HTTP/1.1\r\n'), 1000).kind).toBe('not-list');
    expect(rewriteListRequest(b('LIST /x\r\nHost: a b\r\n'), 1000).kind).toBe('not-list');
  });
});

describe('classifyRefusedMethod', () => {
  const bytesOf = (r: RefusedMethod) => (r.kind === 'list' ? r.bytes.toString('latin1') : r.kind);

  it('finds a LIST after a complete request in the same chunk', () => {
    const packet = b('GET / HTTP/1.1\r\n\r\nLIST /x HTTP/1.1\r\n\r\n');
    expect(bytesOf(classifyRefusedMethod(packet, 20, b(''), []))).toBe('LIST /x HTTP/1.1\r\n\r\n');
  });

  it('finds a LIST right after a body that ends without a line break', () => {
    const packet = b('POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}LIST /x HTTP/1.1\r\n\r\n');
    const at = packet.indexOf('LIST') + 2;
    expect(bytesOf(classifyRefusedMethod(packet, at, b(''), []))).toBe('LIST /x HTTP/1.1\r\n\r\n');
  });

  it('recovers method bytes delivered in an earlier chunk', () => {
    const tail = nextTail(b(''), b('GET / HTTP/1.1\r\n\r\nLI'));
    expect(bytesOf(classifyRefusedMethod(b('ST /x HTTP/1.1\r\n\r\n'), 0, tail, [b('more')]))).toBe(
      'LIST /x HTTP/1.1\r\n\r\nmore',
    );
    expect(bytesOf(classifyRefusedMethod(b('IST /'), 1, b('L'), []))).toBe('LIST /');
    expect(bytesOf(classifyRefusedMethod(b('LIS'), 2, b(''), [b('T /')]))).toBe('LIST /');
  });

  it('takes a refusal at the first bytes of a chunk for the rest of LIST when the bytes before were not seen', () => {
    expect(bytesOf(classifyRefusedMethod(b('ST /x HTTP/1.1\r\n\r\n'), 0, undefined, []))).toBe('LIST /x HTTP/1.1\r\n\r\n');
    expect(bytesOf(classifyRefusedMethod(b('IST /x'), 1, undefined, []))).toBe('LIST /x');
    expect(bytesOf(classifyRefusedMethod(b('GET / HTTP/1.1\r\n\r\nLIST /y'), 20, undefined, []))).toBe('LIST /y');
    // only an S can be the rest of LIST; an earlier byte that is not I rules it out
    expect(bytesOf(classifyRefusedMethod(b('OST /x'), 1, undefined, []))).toBe('unknown-verb');
    expect(bytesOf(classifyRefusedMethod(b('XT /x'), 0, undefined, []))).toBe('unknown-verb');
    expect(bytesOf(classifyRefusedMethod(b('GET / HTTP/1.1\r\n\r\nLIX'), 20, undefined, []))).toBe('unknown-verb');
  });

  it('tells another verb from garbage', () => {
    expect(bytesOf(classifyRefusedMethod(b('FOO /x HTTP/1.1'), 0, b(''), []))).toBe('unknown-verb');
    expect(bytesOf(classifyRefusedMethod(b('LIX /x HTTP/1.1'), 2, b(''), []))).toBe('unknown-verb');
    expect(bytesOf(classifyRefusedMethod(b('\x16\x03\x01\x02'), 0, b(''), []))).toBe('garbage');
    expect(bytesOf(classifyRefusedMethod(b('GET'), 7, b(''), []))).toBe('garbage');
  });
});

describe('nextTail', () => {
  it('keeps only the last bytes', () => {
    let tail: Buffer = b('');
    for (let i = 0; i < 50; i++) tail = nextTail(tail, b(String(i % 10)));
    expect(tail.length).toBe(16);
    expect(tail.toString('latin1').endsWith('789')).toBe(true);
    expect(nextTail(tail, b('x'.repeat(100))).toString('latin1')).toBe('x'.repeat(16));
  });
});
