/**
 * Python's hvac, installed by the test itself (current release and 0.11.2, the version Debian
 * ships as python3-hvac), runs the calls teams already write against a real Hush server.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HVAC_VERSIONS, ensureVenv, runPython } from './python-env.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createDevTls } from '../../src/http/dev-tls.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

const script = join(import.meta.dirname, 'hvac_workflow.py');

describe.each(HVAC_VERSIONS)('hvac %s', (name, packages) => {
  let server: TestServer;
  let python: string;

  beforeAll(async () => {
    python = ensureVenv(`hvac-${name}`, packages);
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('runs the usual Django-team workflow unchanged', async () => {
    const auditFile = join(server.dataDir, 'audit.log');
    // Asynchronous: the server runs in this process and must keep answering while python runs.
    const unsealKey = readFileSync(join(server.dataDir, 'dev-unseal-share'), 'utf8').trim();
    const stdout = await runPython(python, [script], {
      VAULT_ADDR: server.address,
      VAULT_TOKEN: server.rootToken,
      HUSH_AUDIT_FILE: auditFile,
      HUSH_UNSEAL_KEY: unsealKey,
    });
    const out = JSON.parse(stdout);
    if (name !== 'current') expect(out.hvac_version).toBe(name);
    expect(out.is_authenticated).toBe(true);
    expect(out.read_data).toEqual({ username: 'django', password: 's3cr3t-pw' });
    expect(out.read_version).toBe(1);
    expect(out.read_v1).toEqual({ username: 'django', password: 's3cr3t-pw' });
    expect(out.list_keys).toEqual(['api', 'database']);
    expect(out.metadata_current_version).toBe(2);
    expect(out.deleted_read).toBe('InvalidPath');
    expect(out.mounts_have_team_kv).toBe(true);
    expect(out.team_kv_read).toEqual({ a: 'b' });
    expect(out.policy_listed).toBe(true);
    expect(out.audit_devices).toEqual(['file/']);
    expect(out.limited_read).toBe('rotated');
    expect(out.limited_write).toBe('Forbidden');
    expect(out.token_roles).toEqual(['deployer']);
    expect(out.token_role_read).toEqual(['myapp-read']);
    expect(out.role_token).toEqual({ policies: ['default', 'myapp-read'], orphan: true });
    expect(out.role_token_path).toBe('auth/token/create/deployer/v1');
    expect(out.root_generation_idle).toBe(false);
    expect(out.generated_root_policies).toEqual(['root']);
    expect(out.rekey_started).toBe(true);
    expect(out.rekey_keys).toBe(3);
    expect(out.seal_threshold_after_rekey).toBe(2);
  });
});

describe('hvac over TLS', () => {
  let server: TestServer;
  let caFile: string;
  beforeAll(async () => {
    const tls = await createDevTls(mkdtempSync(join(tmpdir(), 'hush-tls-')));
    caFile = tls.caFile;
    server = await startTestServer({ storage: 'memory', tls: { certFile: tls.certFile, keyFile: tls.keyFile } });
  });
  afterAll(async () => server?.close());

  it('works with verify=<CA path> and refuses an untrusted server', async () => {
    const python = ensureVenv('hvac-current', ['hvac']);
    expect(server.address).toMatch(/^https:/);
    const ok = await runPython(python, [script], { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken, VAULT_CACERT: caFile });
    expect(JSON.parse(ok).read_data).toEqual({ username: 'django', password: 's3cr3t-pw' });
    const code = 'import hvac, os; hvac.Client(url=os.environ["VAULT_ADDR"], token="x").sys.read_health_status()';
    await expect(
      runPython(python, ['-c', code], { VAULT_ADDR: server.address }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/SSL|certificate/i) });
  });
});
