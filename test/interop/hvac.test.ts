/**
 * Python's hvac, installed by the test itself (current release and 0.11.2, the version Debian
 * ships as python3-hvac), runs the calls teams already write against a real Hush server; and
 * its PGP calls (init, rekey with a backup, generate-root), with gpg decrypting in between.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HVAC_VERSIONS, ensureVenv, runPython } from './python-env.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createDevTls } from '../../src/http/dev-tls.js';
import { api, startTestServer, startUninitialisedServer } from '../helpers/test-server.js';
import { GnuPgHome } from '../helpers/gnupg.js';
import type { RunningServer } from '../../src/main.js';
import type { TestServer } from '../helpers/test-server.js';

const script = join(import.meta.dirname, 'hvac_workflow.py');
const pgpScript = join(import.meta.dirname, 'hvac_pgp.py');

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

describe.each(HVAC_VERSIONS)('hvac %s with PGP keys', (name, packages) => {
  let server: RunningServer;
  let python: string;
  let gpg: GnuPgHome;

  beforeAll(async () => {
    python = ensureVenv(`hvac-${name}`, packages);
    gpg = new GnuPgHome();
    server = await startUninitialisedServer('hvac-pgp');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    gpg?.remove();
  });

  it('initialize, start_rekey(backup=True), read_backup_keys, start_root_token_generation(pgp_key=…), rekey_verify', async () => {
    const [ada, bo] = [gpg.createKey('ada'), gpg.createKey('bo')];
    const step = async (name: string, env: Record<string, string> = {}) =>
      JSON.parse(await runPython(python, [pgpScript], { VAULT_ADDR: server.address, HUSH_PGP_KEYS: `${ada.publicBase64},${bo.publicBase64}`, HUSH_STEP: name, ...env }));

    const init = await step('init');
    const shares = (init.keys_base64 as string[]).map((k) => gpg.decryptBase64(k));
    const root = gpg.decryptBase64(init.root_token);
    expect(root).toMatch(/^hvs\./);
    for (const key of shares) await api(server, 'PUT', 'sys/unseal', { body: { key } });
    expect((await api(server, 'GET', 'sys/seal-status')).body.sealed).toBe(false);

    const rekey = await step('rekey', { VAULT_TOKEN: root, HUSH_UNSEAL_KEYS: shares.join(',') });
    expect(rekey.pgp_fingerprints).toEqual([bo.fingerprint]);
    const [newShare] = (rekey.keys_base64 as string[]).map((k) => gpg.decryptBase64(k));
    expect(newShare).toMatch(/^[0-9a-f]{66}$/);
    expect(rekey.backup.keys_base64).toEqual({ [bo.fingerprint]: rekey.keys_base64 });

    const generated = await step('generate-root', { HUSH_UNSEAL_KEYS: newShare as string });
    expect(generated.pgp_fingerprint).toBe(bo.fingerprint);
    const token = gpg.decryptBase64(generated.encoded_token);
    expect((await api(server, 'GET', 'auth/token/lookup-self', { token })).body.data.policies).toEqual(['root']);

    // start_rekey(require_verification=True), rekey_verify: the new shares in force once given back
    const verified = await step('rekey-verify', { HUSH_UNSEAL_KEYS: newShare as string });
    expect(verified).toMatchObject({ verification_required: true, progress_before: 0, restarted_nonce_differs: true, verified: true });
    expect((await api(server, 'PUT', 'sys/seal', { token })).status).toBe(204);
    for (const key of verified.new_keys as string[]) await api(server, 'PUT', 'sys/unseal', { body: { key } });
    expect((await api(server, 'GET', 'sys/seal-status')).body.sealed).toBe(false);
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
