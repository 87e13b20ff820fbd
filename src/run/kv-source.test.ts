import { describe, expect, it } from 'vitest';
import { ApiError, ConnectionError } from '../client/hush-client.js';
import { createKvSource } from './kv-source.js';

function fakeClient(routes: Record<string, unknown>, calls: string[] = []) {
  return {
    calls,
    async read(path: string, query?: Record<string, string>) {
      const key = query?.version ? `${path}?version=${query.version}` : path;
      calls.push(key);
      if (!(key in routes)) throw new ApiError(404, [], path);
      const body = routes[key];
      if (body instanceof Error) throw body;
      return { status: 200, body: body as any };
    },
  };
}

const mounts = (path: string, version: string) => ({ data: { path, type: 'kv', options: { version } } });

describe('kv source', () => {
  it('reads KV v2 through data/, with versions, and asks for each mount once', async () => {
    const client = fakeClient({
      'sys/internal/ui/mounts/secret/app/prod': mounts('secret/', '2'),
      'secret/data/app/prod': { data: { data: { A: '1' }, metadata: {} } },
      'secret/data/app/prod?version=1': { data: { data: { A: '0' }, metadata: {} } },
      'secret/data/app/dev': { data: { data: { B: '2' } } },
    });
    const source = createKvSource(client);
    expect(await source.read('secret/app/prod')).toEqual({ A: '1' });
    expect(await source.read('secret/app/prod', 1)).toEqual({ A: '0' });
    expect(await source.read('/secret/app/dev/')).toEqual({ B: '2' });
    expect(await source.read('secret/app/none')).toBeUndefined();
    expect(client.calls.filter((c) => c.startsWith('sys/'))).toHaveLength(1);
  });

  it('reads KV v1 directly and refuses versions there', async () => {
    const client = fakeClient({ 'sys/internal/ui/mounts/kv1/app': mounts('kv1/', '1'), 'kv1/app': { data: { C: '3' } } });
    const source = createKvSource(client);
    expect(await source.read('kv1/app')).toEqual({ C: '3' });
    await expect(source.read('kv1/app', 2)).rejects.toThrow(/no versions/);
  });

  it('passes permission and connection errors through', async () => {
    const denied = createKvSource(fakeClient({ 'sys/internal/ui/mounts/secret/x': new ApiError(403, ['permission denied'], 'x') }));
    await expect(denied.read('secret/x')).rejects.toBeInstanceOf(ApiError);
    const down = createKvSource(fakeClient({ 'sys/internal/ui/mounts/secret/x': new ConnectionError('down') }));
    await expect(down.read('secret/x')).rejects.toBeInstanceOf(ConnectionError);
  });
});
