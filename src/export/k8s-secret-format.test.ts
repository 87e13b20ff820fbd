import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultSecretName, renderK8sSecret } from './k8s-secret-format.js';

describe('k8s Secret format', () => {
  it('derives a DNS-1123 name from the last path segment', () => {
    expect(defaultSecretName('secret/myapp/production')).toBe('production');
    expect(defaultSecretName('secret/myapp/Prod_EU/')).toBe('prod-eu');
    expect(defaultSecretName('secret/x/--My..App__v2--')).toBe('my.app-v2');
    expect(defaultSecretName('secret/x/___')).toBe('hush-secret');
    expect(defaultSecretName(undefined)).toBe('hush-secret');
    expect(defaultSecretName(`secret/${'a'.repeat(300)}`)).toHaveLength(253);
  });

  it('writes a v1 Opaque Secret with base64 data', () => {
    const manifest = parse(renderK8sSecret(new Map([['DB_PASSWORD', 'p@ss\nw🔐'], ['tls.key', '']]), { name: 'app', namespace: 'shop' }));
    expect(manifest).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'app', namespace: 'shop' },
      type: 'Opaque',
      data: { DB_PASSWORD: Buffer.from('p@ss\nw🔐').toString('base64'), 'tls.key': '' },
    });
  });

  it('refuses invalid names, namespaces and keys', () => {
    expect(() => renderK8sSecret(new Map(), { name: 'App' })).toThrow(/--name "App" is not a valid Kubernetes name/);
    expect(() => renderK8sSecret(new Map(), { name: 'app', namespace: 'a.b' })).toThrow(/--namespace/);
    expect(() => renderK8sSecret(new Map([['a b', 'v']]), { name: 'app' })).toThrow(/^cannot export "a b" to a Kubernetes Secret/);
    expect(() => renderK8sSecret(new Map([['..x', 'v']]), { name: 'app' })).toThrow(/"\.\.x"/);
  });
});
