/**
 * @module Container images: a `docker save` tarball (`manifest.json` listing layer tars) or an
 * OCI image layout tarball (`index.json` → manifests → layer blobs). Each layer (gzip-compressed
 * or plain tar) is opened in turn and its regular files are handed to the scanner as
 * `image:<layer-digest>:<path>`. Whiteout files are skipped; a layer shared by several
 * manifests is scanned once. Memory: one layer at a time.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { badRequest } from '../../lib/errors.js';
import { indexTarFile, readTarEntry, tarEntries } from './tar-reader.js';
import type { TarEntry } from './tar-reader.js';

export interface ImageFile {
  /** `image:<layer-digest>:<path>` */
  readonly path: string;
  readonly data: Buffer;
}

interface OciDescriptor {
  readonly mediaType?: string;
  readonly digest?: string;
}

/** Yields every regular file of every layer of the image archive at `file`. */
export async function* imageFiles(file: string): AsyncGenerator<ImageFile> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw badRequest(`cannot open image ${file}: ${(err as Error).message}`, err);
  }
  try {
    const entries = await indexTarFile(fh);
    const byName = new Map<string, TarEntry>(entries.map((e) => [e.name, e]));
    const json = async (name: string): Promise<unknown> => {
      const e = byName.get(name);
      if (e === undefined) return undefined;
      return JSON.parse((await readTarEntry(fh, e)).toString('utf8')) as unknown;
    };
    const layers: { name: string; digest: string | null }[] = [];
    const docker = (await json('manifest.json')) as { Layers?: string[] }[] | undefined;
    if (Array.isArray(docker)) {
      for (const m of docker) for (const l of m.Layers ?? []) layers.push({ name: l, digest: digestFromBlobPath(l) });
    } else {
      const index = (await json('index.json')) as { manifests?: OciDescriptor[] } | undefined;
      if (index === undefined) throw badRequest(`${file} is neither a docker save nor an OCI layout archive`);
      const visit = async (descs: readonly OciDescriptor[], depth: number): Promise<void> => {
        for (const d of descs) {
          if (d.digest === undefined || depth > 4) continue;
          const doc = (await json(blobPath(d.digest))) as { manifests?: OciDescriptor[]; layers?: OciDescriptor[] } | undefined;
          if (doc?.manifests !== undefined) await visit(doc.manifests, depth + 1);
          for (const l of doc?.layers ?? []) if (l.digest !== undefined) layers.push({ name: blobPath(l.digest), digest: l.digest });
        }
      };
      await visit(index.manifests ?? [], 0);
    }
    const done = new Set<string>();
    for (const layer of layers) {
      if (done.has(layer.name)) continue;
      done.add(layer.name);
      const e = byName.get(layer.name);
      if (e === undefined) continue;
      let data = await readTarEntry(fh, e);
      const digest = layer.digest ?? `sha256:${createHash('sha256').update(data).digest('hex')}`;
      if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
      else if (data[0] === 0x28 && data[1] === 0xb5) continue; // zstd: not supported by Node 20's zlib
      for (const f of await tarEntries(data)) {
        if (f.type !== 'file') continue;
        const base = f.name.slice(f.name.lastIndexOf('/') + 1);
        if (base.startsWith('.wh.')) continue;
        yield { path: `image:${digest}:${f.name}`, data: f.data };
      }
    }
  } finally {
    await fh.close();
  }
}

function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg ?? 'sha256'}/${hex ?? ''}`;
}

function digestFromBlobPath(name: string): string | null {
  const m = /^blobs\/([a-z0-9]+)\/([0-9a-f]+)$/.exec(name);
  return m === null ? null : `${m[1]}:${m[2]}`;
}
