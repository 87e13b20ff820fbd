import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, reviewAccess } from './kubernetes-config.js';

const pod = mkdtempSync(join(tmpdir(), 'hush-pod-sa-'));
writeFileSync(join(pod, 'token'), 'pod-token\n');
writeFileSync(join(pod, 'ca.crt'), 'pod-ca\n');
afterAll(() => rmSync(pod, { recursive: true, force: true }));

describe('reviewAccess', () => {
  it("uses the pod's own CA and token when the config gives none", () => {
    expect(reviewAccess(parseConfig({ kubernetes_host: 'https://10.0.0.1' }), pod)).toEqual({ apiBase: 'https://10.0.0.1', caCert: 'pod-ca', reviewerJwt: 'pod-token' });
  });

  it('prefers the configured reviewer token, and ignores the pod with disable_local_ca_jwt', () => {
    expect(reviewAccess(parseConfig({ kubernetes_host: 'https://10.0.0.1', token_reviewer_jwt: 'configured' }), pod).reviewerJwt).toBe('configured');
    expect(reviewAccess(parseConfig({ kubernetes_host: 'https://10.0.0.1', disable_local_ca_jwt: true }), pod)).toEqual({ apiBase: 'https://10.0.0.1', caCert: '', reviewerJwt: '' });
  });

  it('works outside a pod: nothing local to read', () => {
    expect(reviewAccess(parseConfig({ kubernetes_host: 'kube.example:6443' }), join(pod, 'missing'))).toEqual({ apiBase: 'https://kube.example:6443', caCert: '', reviewerJwt: '' });
  });

  it('reads the pod\'s rotating token again after a minute, not at every login', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-pod-rotate-'));
    try {
      writeFileSync(join(dir, 'token'), 'first\n');
      const config = parseConfig({ kubernetes_host: 'https://10.0.0.1' });
      expect(reviewAccess(config, dir, 1_000).reviewerJwt).toBe('first');
      writeFileSync(join(dir, 'token'), 'rotated\n');
      expect(reviewAccess(config, dir, 31_000).reviewerJwt).toBe('first');
      expect(reviewAccess(config, dir, 61_000).reviewerJwt).toBe('rotated');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
