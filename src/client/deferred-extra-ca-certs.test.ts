import { rootCertificates } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFERRED_EXTRA_CA_CERTS_ENV, adoptDeferredExtraCaCerts, deferredExtraCa, resetDeferredExtraCaCerts } from './deferred-extra-ca-certs.js';

afterEach(() => {
  resetDeferredExtraCaCerts();
  vi.restoreAllMocks();
});

describe('deferred NODE_EXTRA_CA_CERTS', () => {
  it('puts the variable back for the commands hush starts and remembers the file', () => {
    const env: NodeJS.ProcessEnv = { [DEFERRED_EXTRA_CA_CERTS_ENV]: '/etc/ssl/extra.pem', PATH: '/bin' };
    adoptDeferredExtraCaCerts(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', PATH: '/bin' });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    // the file does not exist: Node's warning, and the defaults alone from then on
    expect(deferredExtraCa()).toBeUndefined();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^Ignoring extra certs from `\/etc\/ssl\/extra\.pem`, load failed: /);
    expect(deferredExtraCa()).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('trusts Node’s bundled roots plus the file’s certificates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-extra-ca-'));
    try {
      const pem = `${rootCertificates[0]}\n`; // any certificate will do
      writeFileSync(join(dir, 'extra.pem'), pem);
      adoptDeferredExtraCaCerts({ [DEFERRED_EXTRA_CA_CERTS_ENV]: join(dir, 'extra.pem') });
      expect(deferredExtraCa()).toEqual([...rootCertificates, pem]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves everything to Node when it loaded the variable itself, or when nothing was deferred', () => {
    const both: NodeJS.ProcessEnv = { [DEFERRED_EXTRA_CA_CERTS_ENV]: '/a.pem', NODE_EXTRA_CA_CERTS: '/b.pem' };
    adoptDeferredExtraCaCerts(both);
    expect(both).toEqual({ NODE_EXTRA_CA_CERTS: '/b.pem' });
    expect(deferredExtraCa()).toBeUndefined();
    const none: NodeJS.ProcessEnv = { PATH: '/bin' };
    adoptDeferredExtraCaCerts(none);
    expect(none).toEqual({ PATH: '/bin' });
    expect(deferredExtraCa()).toBeUndefined();
  });
});
