import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { secretPatterns } from './secret-patterns.js';
import { maskStream } from './mask-stream.js';
import { compileMaskSet, createMasker, lazyMaskSet, MASK_TEXT } from './stream-masker.js';
import type { Masker } from './stream-masker.js';

/** The specification, written the slow and obvious way: union of all occurrences, merged. */
function reference(input: Buffer, secrets: string[]): Buffer {
  const patterns = secretPatterns(secrets);
  const covered: Array<[number, number]> = [];
  for (const p of patterns) {
    for (let i = input.indexOf(p); i !== -1; i = input.indexOf(p, i + 1)) covered.push([i, i + p.length]);
  }
  covered.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of covered) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const [a, b] of merged) {
    parts.push(input.subarray(at, a), Buffer.from(MASK_TEXT));
    at = b;
  }
  parts.push(input.subarray(at));
  return Buffer.concat(parts);
}

function feed(masker: Masker, chunks: Buffer[]): Buffer {
  const out: Uint8Array[] = chunks.map((c) => Buffer.from(masker.push(c)));
  out.push(masker.flush());
  return Buffer.concat(out);
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  for (const c of cuts) {
    parts.push(buf.subarray(at, c));
    at = c;
  }
  parts.push(buf.subarray(at));
  return parts;
}

function bytewise(buf: Buffer): Buffer[] {
  return [...buf].map((b) => Buffer.from([b]));
}

const mask = (text: string, secrets: string[]) => feed(createMasker(secrets), [Buffer.from(text)]).toString();

describe('stream masker', () => {
  it('replaces a secret and leaves other text alone', () => {
    expect(mask('password is hunter22!', ['hunter22'])).toBe('password is *****!');
    expect(mask('nothing here', ['hunter22'])).toBe('nothing here');
  });

  it('ignores values shorter than 4 characters', () => {
    expect(mask('abc abcd', ['abc'])).toBe('abc abcd');
    expect(mask('abc abcd', ['abcd'])).toBe('abc *****');
  });

  it('masks a secret split at every byte position, in two chunks and byte by byte', () => {
    const secrets = ['s3cr3t-Value-42', 'pässwörd€🙂x'];
    for (const secret of secrets) {
      const input = Buffer.from(`before ${secret} middle ${secret}${secret} after`);
      const expected = reference(input, secrets);
      expect(expected.toString()).not.toContain(secret);
      for (let cut = 0; cut <= input.length; cut++) {
        expect(feed(createMasker(secrets), splitAt(input, [cut]))).toEqual(expected);
      }
      expect(feed(createMasker(secrets), bytewise(input))).toEqual(expected);
    }
  });

  it('masks secrets in three-chunk splits around every position', () => {
    const secrets = ['abcdefgh', 'defg1234'];
    const input = Buffer.from('xxabcdefgh1234yy defg1234 abcdefg1234');
    const expected = reference(input, secrets);
    for (let a = 0; a <= input.length; a++) {
      for (let b = a; b <= input.length; b++) {
        expect(feed(createMasker(secrets), splitAt(input, [a, b]))).toEqual(expected);
      }
    }
  });

  it('lets the longest of overlapping secrets win', () => {
    expect(mask('key=abcdefgh;', ['abcd', 'abcdefgh'])).toBe('key=*****;');
    expect(mask('key=abcdXfgh;', ['abcd', 'abcdefgh'])).toBe('key=*****Xfgh;');
    expect(mask('aaaaaa', ['aaaa'])).toBe('*****');
    expect(mask('xaaaaaaay aaa', ['aaaa'])).toBe('x*****y aaa');
    expect(mask('1234567890', ['12345', '45678', '7890'])).toBe('*****');
    expect(mask('xyzw12345 zw12', ['xyzw12345Q', 'zw12'])).toBe('xy*****345 *****');
    expect(mask('xyzw12345Q!', ['xyzw12345Q', 'zw12'])).toBe('*****!');
  });

  it('masks each line of a multi-line value and the value whole', () => {
    const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34\nGkxFhD90vcNLYLInFEX6\n-----END KEY-----';
    expect(mask(`got ${pem} end`, [pem])).toBe('got ***** end');
    expect(mask('line: MIIBOgIBAAJBAKj34 and GkxFhD90vcNLYLInFEX6', [pem])).toBe('line: ***** and *****');
    expect(mask('crlf: abcdef\r\nghijkl', ['abcdef\r\nghijkl'])).toBe('crlf: *****');
    expect(mask('crlf: abcdef and ghijkl', ['abcdef\r\nghijkl'])).toBe('crlf: ***** and *****');
    expect(mask('no', ['ab\ncd'])).toBe('no');
  });

  it('masks base64 in all three alignments, URL-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss w/rd"\\&=+ünï';
    const secrets = [secret];
    for (const prefix of ['', 'u', 'us', 'use', 'user:', 'user:x']) {
      for (const suffix of ['', '\n', 'xy', ':tail']) {
        const b64 = Buffer.from(prefix + secret + suffix).toString('base64');
        const out = mask(`Authorization: Basic ${b64}`, secrets);
        expect(out, `${prefix}|${suffix}`).toContain(MASK_TEXT);
        // what is left visible of the encoding is at most a group's worth on each side
        const visible = out.replace('Authorization: Basic ', '').replace(MASK_TEXT, '');
        const slack = Math.ceil(((prefix.length + 2) * 4) / 3) + Math.ceil(((suffix.length + 2) * 4) / 3) + 2;
        expect(visible.length).toBeLessThanOrEqual(slack);
      }
    }
    expect(mask(`url: https://x/?p=${encodeURIComponent(secret)}&q=1`, secrets)).toBe('url: https://x/?p=*****&q=1');
    expect(mask(`json: {"p":${JSON.stringify(secret)}}`, secrets)).toBe('json: {"p":"*****"}');
    const pyJson = '"p@ss w/rd\\"\\\\&=+\\u00fcn\\u00ef"';
    expect(mask(`py: ${pyJson}`, secrets)).toBe('py: "*****"');
    expect(mask(`plain base64: ${Buffer.from(secret).toString('base64')}!`, secrets)).toBe('plain base64: *****!');
  });

  it('masks unicode secrets and never splits a multibyte character when output is cut inside one', () => {
    const secrets = ['ключ-секрет', '秘密の鍵です'];
    const input = Buffer.from('日本語 ключ-секрет 🙂 текст 秘密の鍵です — ключ-секр fin ключ');
    const expected = reference(input, secrets);
    expect(expected.toString()).toBe('日本語 ***** 🙂 текст ***** — ключ-секр fin ключ');
    for (let cut = 0; cut <= input.length; cut++) {
      const masker = createMasker(secrets);
      const first = masker.push(input.subarray(0, cut));
      // every emitted piece decodes cleanly on its own
      expect(Buffer.from(first.toString('utf8'))).toEqual(first);
      const second = masker.push(input.subarray(cut));
      expect(Buffer.from(second.toString('utf8'))).toEqual(second);
      expect(Buffer.concat([first, second, masker.flush()])).toEqual(expected);
    }
    const pieces = bytewise(input);
    const masker = createMasker(secrets);
    const out: Buffer[] = [];
    for (const piece of pieces) {
      const o = masker.push(piece);
      expect(Buffer.from(o.toString('utf8'))).toEqual(o);
      out.push(Buffer.from(o));
    }
    out.push(masker.flush());
    expect(Buffer.concat(out)).toEqual(expected);
  });

  it('does not delay output that cannot start a secret', () => {
    const masker = createMasker(['SECRET-VALUE']);
    expect(masker.push(Buffer.from('hello world\n')).toString()).toBe('hello world\n');
    expect(masker.push(Buffer.from('abc SEC')).toString()).toBe('abc ');
    expect(masker.push(Buffer.from('RET-VA')).toString()).toBe('');
    expect(masker.push(Buffer.from('LUE and more')).toString()).toBe('***** and more');
    expect(masker.push(Buffer.from('SECRET-VALX')).toString()).toBe('SECRET-VALX');
    expect(masker.push(Buffer.from('SE')).toString()).toBe('');
    expect(masker.flush().toString()).toBe('SE');
  });

  it('emits the mask as soon as a secret is complete, even when a longer one might follow', () => {
    const masker = createMasker(['abcd', 'abcdefgh']);
    expect(masker.push(Buffer.from('x abcd')).toString()).toBe('x *****');
    expect(masker.push(Buffer.from('efgh y')).toString()).toBe(' y');
  });

  it('keeps stdout and stderr apart: two maskers, interleaved writes', () => {
    const secrets = ['interleaved-secret-1', 'other-secret-2'];
    const set = compileMaskSet(secrets);
    const out = createMasker(set);
    const err = createMasker(set);
    const a = Buffer.from('out: interleaved-secret-1 and other-secret-2\n');
    const b = Buffer.from('err: other-secret-2 interleaved-secret-1\n');
    const outParts: Buffer[] = [];
    const errParts: Buffer[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i += 3) {
      outParts.push(Buffer.from(out.push(a.subarray(i, i + 3))));
      errParts.push(Buffer.from(err.push(b.subarray(i, i + 3))));
    }
    outParts.push(out.flush());
    errParts.push(err.flush());
    expect(Buffer.concat(outParts).toString()).toBe('out: ***** and *****\n');
    expect(Buffer.concat(errParts).toString()).toBe('err: ***** *****\n');
  });

  it('masks binary output with secrets embedded and leaves the rest byte-identical', () => {
    const secrets = ['BINARY-SECRET-1', 'zz\u00ff\u0001dat'];
    for (let round = 0; round < 20; round++) {
      const pieces: Buffer[] = [];
      for (let k = 0; k < 20; k++) {
        pieces.push(randomBytes(Math.floor(Math.random() * 200)));
        pieces.push(Buffer.from(secrets[k % 2]!));
      }
      const input = Buffer.concat(pieces);
      const expected = reference(input, secrets);
      const cuts: number[] = [];
      for (let at = 0; at < input.length; at += 1 + Math.floor(Math.random() * 50)) cuts.push(at);
      expect(feed(createMasker(secrets), splitAt(input, cuts)).equals(expected)).toBe(true);
      expect(feed(createMasker(secrets), [input]).equals(expected)).toBe(true);
    }
  });

  it('passes output with no secret through byte-identical', () => {
    const input = randomBytes(256 * 1024);
    const secrets = ['never-appears-in-random-output-9876'];
    const cuts = [1, 2, 3, 100, 4096, 70_000, 200_000];
    expect(feed(createMasker(secrets), splitAt(input, cuts)).equals(input)).toBe(true);
    const text = Buffer.from('SECRET-VAL '.repeat(10_000) + 'ünïcödé 🙂');
    const out = feed(createMasker(['SECRET-VALUE']), bytewise(text.subarray(0, 5000)).concat([text.subarray(5000)]));
    expect(out.equals(text)).toBe(true);
  });

  it('is an identity with no secret registered (the --no-mask path)', () => {
    const masker = createMasker([]);
    const chunk = Buffer.from('hunter22 \xe2');
    expect(masker.push(chunk)).toBe(chunk);
    expect(masker.flush().length).toBe(0);
  });

  it('can be reused after flush', () => {
    const masker = createMasker(['reusable']);
    expect(feed(masker, [Buffer.from('a reus')]).toString()).toBe('a reus');
    expect(feed(masker, [Buffer.from('able reusable')]).toString()).toBe('able *****');
  });

  it('masks random secrets in random text against the reference, with random chunking', () => {
    const alphabet = 'ab1-';
    const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    for (let round = 0; round < 300; round++) {
      const secrets = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => pick(4 + Math.floor(Math.random() * 4)));
      const input = Buffer.from(pick(60));
      const expected = reference(input, secrets);
      const cuts: number[] = [];
      for (let at = 0; at < input.length; at += 1 + Math.floor(Math.random() * 7)) cuts.push(at);
      expect(feed(createMasker(secrets), splitAt(input, cuts)), JSON.stringify({ secrets, input: input.toString() })).toEqual(
        expected,
      );
    }
  });

  it('agrees with the reference on long secrets of mixed lengths, embedded and encoded, any chunking', () => {
    const alphabet = 'abcXYZ01+/=_- \n';
    const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    for (let round = 0; round < 150; round++) {
      const secrets = Array.from({ length: 1 + Math.floor(Math.random() * 6) }, () => pick(4 + Math.floor(Math.random() * 40)));
      const forms = secretPatterns(secrets).map((p) => p.toString('latin1'));
      let text = '';
      for (let k = 0; k < 30; k++) text += pick(Math.floor(Math.random() * 30)) + (Math.random() < 0.5 ? forms[k % forms.length] : '');
      const input = Buffer.from(text, 'latin1');
      const expected = reference(input, secrets);
      const cuts: number[] = [];
      const step = 1 + Math.floor(Math.random() * 120);
      for (let at = 0; at < input.length; at += 1 + Math.floor(Math.random() * step)) cuts.push(at);
      const got = feed(createMasker(secrets), splitAt(input, cuts));
      expect(got.equals(expected), JSON.stringify({ secrets, text })).toBe(true);
    }
  });

  it('masks through the stream with a lazily compiled set as with a compiled one, and passes no output as none', async () => {
    const through = async (chunks: string[], set: ReturnType<typeof lazyMaskSet>): Promise<string> => {
      let out = '';
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          out += chunk.toString('utf8');
          cb();
        },
      });
      await maskStream(Readable.from(chunks.map((c) => Buffer.from(c))), () => sink, set);
      return out;
    };
    const secrets = ['hunter2-password', 'tok-abcdef'];
    const chunks = ['user hunter2-pa', 'ssword and tok-abc', 'def end\n'];
    expect(await through(chunks, lazyMaskSet(secrets))).toBe(await through(chunks, compileMaskSet(secrets)));
    expect(await through(chunks, lazyMaskSet(secrets))).toBe(`user ${MASK_TEXT} and ${MASK_TEXT} end\n`);
    expect(await through([], lazyMaskSet(secrets))).toBe('');
    expect(lazyMaskSet(secrets).patternCount).toBe(compileMaskSet(secrets).patternCount);
  });

  it('masks 100 MB through the stream path hush run uses', async () => {
    const secrets = Array.from({ length: 100 }, (_, i) => `secret-${i}-${randomBytes(8).toString('hex')}`);
    const line = Buffer.from('2026-11-23T11:00:00Z INFO request handled in 12 ms path=/api/v1/items status=200\n');
    const block = Buffer.concat(Array.from({ length: 800 }, () => line));
    const total = 100 * 1024 * 1024;
    let produced = 0;
    let n = 0;
    const source = Readable.from(
      (function* () {
        while (produced < total) {
          const s = secrets[n++ % secrets.length]!;
          // a secret straddling the chunk boundary every time
          const chunk = Buffer.concat([block, Buffer.from(`token=${s.slice(0, 7)}`)]);
          const next = Buffer.from(`${s.slice(7)} done\n`);
          produced += chunk.length + next.length;
          yield chunk;
          yield next;
        }
      })(),
    );
    let bytes = 0;
    let masks = 0;
    let leaked = false;
    let tail = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        const text = tail + chunk.toString('latin1');
        const re = /token=\*\*\*\*\* done/g;
        let last = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          masks++;
          last = re.lastIndex;
        }
        if (text.includes('secret-')) leaked = true;
        tail = text.slice(Math.max(last, text.length - 40));
        cb();
      },
    });
    await maskStream(source, () => sink, compileMaskSet(secrets));
    expect(leaked).toBe(false);
    expect(masks).toBe(n);
    expect(bytes).toBeGreaterThan(99 * 1024 * 1024);
  });
});
