/**
 * @module A small tar reader (ustar, GNU long names, PAX `path`/`size`), enough for `docker
 * save` archives, OCI layout archives and image layers. `indexTarFile` walks the headers of a
 * tar on disk without loading the data; `tarEntries` iterates an in-memory tar (a layer).
 */
import type { FileHandle } from 'node:fs/promises';

export interface TarEntry {
  readonly name: string;
  /** `file`, `dir`, `link`, `symlink` or `other`. */
  readonly type: 'file' | 'dir' | 'link' | 'symlink' | 'other';
  readonly size: number;
  /** Offset of the data in the archive. */
  readonly offset: number;
}

const BLOCK = 512;

interface Header {
  readonly name: string;
  readonly size: number;
  readonly flag: string;
}

function parseHeader(h: Uint8Array): Header | null {
  let zero = true;
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) {
    zero = false;
    break;
  }
  if (zero) return null;
  const buf = Buffer.from(h.buffer, h.byteOffset, BLOCK);
  const str = (a: number, b: number) => {
    const end = buf.indexOf(0, a);
    return buf.toString('utf8', a, end === -1 || end > b ? b : end);
  };
  let name = str(0, 100);
  if (buf.toString('latin1', 257, 262) === 'ustar') {
    const prefix = str(345, 500);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  let size: number;
  if ((buf[124]! & 0x80) !== 0) {
    size = 0;
    for (let i = 125; i < 136; i++) size = size * 256 + buf[i]!;
  } else size = parseInt(str(124, 136).trim() || '0', 8);
  return { name, size, flag: String.fromCharCode(buf[156] ?? 0) };
}

function typeOf(flag: string): TarEntry['type'] {
  if (flag === '0' || flag === '\0' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '1') return 'link';
  if (flag === '2') return 'symlink';
  return 'other';
}

function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(32, i);
    if (sp === -1) break;
    const len = Number(data.toString('utf8', i, sp));
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/** A walker shared by both readers: `read(offset, length)` supplies bytes. */
async function walk(read: (offset: number, length: number) => Promise<Buffer>, total: number, onEntry: (e: TarEntry) => void): Promise<void> {
  let offset = 0;
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  while (offset + BLOCK <= total) {
    const h = parseHeader(await read(offset, BLOCK));
    if (h === null) break;
    const dataAt = offset + BLOCK;
    const size = pax?.has('size') === true ? Number(pax.get('size')) : h.size;
    offset = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (h.flag === 'L') {
      longName = (await read(dataAt, h.size)).toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (h.flag === 'x') {
      pax = parsePax(await read(dataAt, h.size));
      continue;
    }
    if (h.flag === 'g') continue;
    const name = (pax?.get('path') ?? longName ?? h.name).replace(/^\.\//, '');
    longName = null;
    pax = null;
    onEntry({ name, type: typeOf(h.flag), size, offset: dataAt });
  }
}

/** Headers of a tar file on disk. */
export async function indexTarFile(fh: FileHandle): Promise<TarEntry[]> {
  const { size } = await fh.stat();
  const entries: TarEntry[] = [];
  await walk(
    async (offset, length) => {
      const b = Buffer.alloc(length);
      await fh.read(b, 0, length, offset);
      return b;
    },
    size,
    (e) => entries.push(e),
  );
  return entries;
}

/** Reads one entry's data from a tar file on disk. */
export async function readTarEntry(fh: FileHandle, entry: TarEntry): Promise<Buffer> {
  const b = Buffer.alloc(entry.size);
  await fh.read(b, 0, entry.size, entry.offset);
  return b;
}

/** Entries (with their data) of an in-memory tar. */
export async function tarEntries(tar: Buffer): Promise<(TarEntry & { readonly data: Buffer })[]> {
  const out: (TarEntry & { data: Buffer })[] = [];
  await walk(
    (offset, length) => Promise.resolve(tar.subarray(offset, offset + length)),
    tar.length,
    (e) => out.push({ ...e, data: tar.subarray(e.offset, e.offset + e.size) }),
  );
  return out;
}
