import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { imageFiles } from './image-source.js';

/** Minimal ustar writer for the tests (long names via PAX records). */
function tar(entries: { name: string; data: string | Buffer; type?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  const header = (name: string, size: number, type: string) => {
    const h = Buffer.alloc(512);
    h.write(name.slice(0, 99), 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(size.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    return h;
  };
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    if (e.name.length > 99) {
      const rec = ` path=${e.name}\n`;
      let len = rec.length + 2;
      if (String(len).length + rec.length !== len) len = String(len + 1).length + rec.length;
      const pax = Buffer.from(`${len}${rec}`);
      blocks.push(header('PaxHeader', pax.length, 'x'), pad(pax));
    }
    blocks.push(header(e.name, data.length, e.type ?? '0'), pad(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const SECRET = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';

describe('imageFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hush-image-'));
  const layer1 = tar([{ name: 'etc/app/config.env', data: `TOKEN=${SECRET}\n` }, { name: 'etc/app/', data: '', type: '5' }]);
  const layer2 = gzipSync(tar([{ name: `opt/${'deep/'.repeat(25)}key.txt`, data: 'k\n' }, { name: 'etc/app/.wh.config.env', data: '' }]));

  it('reads a docker save archive layer by layer', async () => {
    const file = join(dir, 'docker.tar');
    writeFileSync(
      file,
      tar([
        { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['app:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]) },
        { name: 'aaa/layer.tar', data: layer1 },
        { name: 'bbb/layer.tar', data: layer2 },
      ]),
    );
    const files = [];
    for await (const f of imageFiles(file)) files.push([f.path, f.data.toString()]);
    const d1 = createHash('sha256').update(layer1).digest('hex');
    const d2 = createHash('sha256').update(layer2).digest('hex');
    expect(files).toEqual([
      [`image:sha256:${d1}:etc/app/config.env`, `TOKEN=${SECRET}\n`],
      [`image:sha256:${d2}:opt/${'deep/'.repeat(25)}key.txt`, 'k\n'],
    ]);
  });

  it('reads an OCI layout archive through index and manifest', async () => {
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const manifest = JSON.stringify({ schemaVersion: 2, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(layer2)}` }, { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha(layer1)}` }] });
    const index = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}` }] });
    const file = join(dir, 'oci.tar');
    writeFileSync(
      file,
      tar([
        { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
        { name: 'index.json', data: index },
        { name: `blobs/sha256/${sha(manifest)}`, data: manifest },
        { name: `blobs/sha256/${sha(layer1)}`, data: layer1 },
        { name: `blobs/sha256/${sha(layer2)}`, data: layer2 },
      ]),
    );
    const paths = [];
    for await (const f of imageFiles(file)) paths.push(f.path);
    expect(paths).toEqual([`image:sha256:${sha(layer2)}:opt/${'deep/'.repeat(25)}key.txt`, `image:sha256:${sha(layer1)}:etc/app/config.env`]);
  });

  it('rejects archives that are not images', async () => {
    const file = join(dir, 'plain.tar');
    writeFileSync(file, tar([{ name: 'a.txt', data: 'x' }]));
    await expect(async () => {
      for await (const _ of imageFiles(file)) void _;
    }).rejects.toThrow(/neither a docker save nor an OCI layout/);
  });
});
