/**
 * The Kubernetes auth method on a real server against a stand-in Kubernetes API server (HTTPS,
 * its own CA, TokenReview as a cluster answers it): logins with projected and legacy service
 * account tokens as External Secrets Operator or an agent send them (`{role, jwt}`), the role's
 * bounds, and each refusal with its own clear error. hvac, node-vault and `hush login
 * -method=kubernetes` log in the same way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodeVault from 'node-vault';
import { HVAC_VERSIONS, ensureVenv, runPython } from '../interop/python-env.js';
import { api, putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { startKubernetesApi } from '../helpers/kubernetes-api.js';
import { runProcess } from '../helpers/run-process.js';
import type { KubernetesApi } from '../helpers/kubernetes-api.js';

let s: TestServer;
let k8s: KubernetesApi;
let root: string;
let reviewer: string;
const ESO = { namespace: 'external-secrets', name: 'external-secrets' };
const ESO_ROLE = {
  bound_service_account_names: ['external-secrets'],
  bound_service_account_namespaces: ['external-secrets', 'platform-*'],
  token_policies: ['app-read'],
  token_ttl: '1h',
};

const put = (path: string, body: unknown) => putAsRoot(s, path, body);

const login = (jwt: string, role = 'eso', mount = 'kubernetes') => api(s, 'POST', `auth/${mount}/login`, { body: { role, jwt } });

async function expectRefused(res: { status: number; body: any }, status: number, message: RegExp): Promise<void> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0]).toMatch(message);
}

beforeAll(async () => {
  [s, k8s] = await Promise.all([startTestServer({ storage: 'memory' }), startKubernetesApi()]);
  root = s.rootToken;
  reviewer = await k8s.reviewerToken();
  await put('sys/auth/kubernetes', { type: 'kubernetes' });
  await put('auth/kubernetes/config', { kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caPem, token_reviewer_jwt: reviewer });
  await put('auth/kubernetes/role/eso', ESO_ROLE);
  await put('sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
  await put('secret/data/app/prod', { data: { DATABASE_URL: 'postgres://app@db/prod' } });
  await put('secret/data/billing/prod', { data: { STRIPE_KEY: 'sk_live_x' } });
});
afterAll(async () => {
  await s?.close();
  await k8s?.close();
});

describe('config and roles', () => {
  it('keeps the reviewer token to itself and reads the host as Vault does', async () => {
    const config = await api(s, 'GET', 'auth/kubernetes/config', { token: root });
    expect(config.body.data).toMatchObject({ kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caPem.trim(), pem_keys: [], disable_local_ca_jwt: false });
    expect(JSON.stringify(config.body)).not.toContain(reviewer);
    await put('sys/auth/k8s-conf', { type: 'kubernetes' });
    await put('auth/k8s-conf/config', { kubernetes_host: '10.0.0.1:6443' });
    expect((await api(s, 'GET', 'auth/k8s-conf/config', { token: root })).body.data.kubernetes_host).toBe('https://10.0.0.1:6443');
    const write = (body: unknown) => api(s, 'PUT', 'auth/k8s-conf/config', { token: root, body });
    await expectRefused(await write({}), 400, /no host provided \(kubernetes_host\)/);
    await expectRefused(await write({ kubernetes_host: k8s.url, kubernetes_ca_cert: 'not a certificate' }), 400, /kubernetes_ca_cert is not a PEM certificate/);
    await expectRefused(await write({ kubernetes_host: k8s.url, pem_keys: ['not a key'] }), 400, /pem_keys\[0\] is not a PEM public key or certificate/);
  });

  it('reads back a role and refuses unbound or everyone-allowed ones', async () => {
    const role = await api(s, 'GET', 'auth/kubernetes/role/eso', { token: root });
    expect(role.body.data).toMatchObject({ ...ESO_ROLE, token_ttl: 3600, audience: '', alias_name_source: 'serviceaccount_uid' });
    const write = (body: unknown) => api(s, 'PUT', 'auth/kubernetes/role/bad', { token: root, body });
    await expectRefused(await write({ bound_service_account_namespaces: ['x'] }), 400, /"bound_service_account_names" can not be empty/);
    await expectRefused(await write({ bound_service_account_names: ['a', '*'], bound_service_account_namespaces: ['x'] }), 400, /can not mix "\*" with values/);
    await expectRefused(await write({ bound_service_account_names: '*', bound_service_account_namespaces: '*' }), 400, /can not both be "\*"/);
    await expectRefused(await write({ ...ESO_ROLE, alias_name_source: 'pod' }), 400, /invalid alias_name_source/);
    expect((await api(s, 'GET', 'auth/kubernetes/role/bad', { token: root })).status).toBe(404);
  });
});

describe('login', () => {
  it('logs in with a projected token: the role\'s policies, the account as metadata, checked by the API server', async () => {
    const before = k8s.reviews().length;
    const res = await login(await k8s.mint(ESO));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const auth = res.body.auth;
    expect(auth.policies).toEqual(['app-read', 'default']);
    expect(auth.metadata).toMatchObject({ role: 'eso', service_account_name: 'external-secrets', service_account_namespace: 'external-secrets', service_account_secret_name: '' });
    expect(auth.metadata.service_account_uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(auth.lease_duration).toBe(3600);
    const token = auth.client_token as string;
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token })).body.data.display_name).toBe('kubernetes-external-secrets-external-secrets');
    expect((await api(s, 'GET', 'secret/data/app/prod', { token })).body.data.data).toEqual({ DATABASE_URL: 'postgres://app@db/prod' });
    expect((await api(s, 'GET', 'secret/data/billing/prod', { token })).status).toBe(403);
    // one review, made with the reviewer's token, for no particular audience
    expect(k8s.reviews().slice(before)).toEqual([{ bearer: reviewer, audiences: undefined }]);
  });

  it('logs in with a legacy secret-based token and with a namespace matching a glob', async () => {
    const legacy = await login(await k8s.mint({ ...ESO, legacy: true }));
    expect(legacy.status, JSON.stringify(legacy.body)).toBe(200);
    expect(legacy.body.auth.metadata.service_account_secret_name).toBe('external-secrets-token-x7k2p');
    const glob = await login(await k8s.mint({ namespace: 'platform-prod', name: 'external-secrets' }));
    expect(glob.status, JSON.stringify(glob.body)).toBe(200);
    expect(glob.body.auth.metadata.service_account_namespace).toBe('platform-prod');
  });

  it('refuses other accounts and namespaces before asking the API server', async () => {
    const before = k8s.reviews().length;
    await expectRefused(await login(await k8s.mint({ namespace: 'external-secrets', name: 'default' })), 403, /service account name not authorized/);
    await expectRefused(await login(await k8s.mint({ namespace: 'team-a', name: 'external-secrets' })), 403, /namespace not authorized/);
    expect(k8s.reviews().length).toBe(before);
  });

  it('does not lock the role when some other account keeps failing (only its address counts)', async () => {
    const wrong = await k8s.mint({ namespace: 'external-secrets', name: 'crash-looping' });
    for (let i = 0; i < 7; i++) expect((await login(wrong)).status).toBe(403);
    expect((await login(await k8s.mint(ESO))).status).toBe(200);
  });

  it('refuses what the API server does not vouch for: a deleted account, a forged token', async () => {
    await put('auth/kubernetes/role/ci', { bound_service_account_names: 'ci-runner', bound_service_account_namespaces: 'ci', token_policies: 'app-read' });
    const ci = await k8s.mint({ namespace: 'ci', name: 'ci-runner' });
    expect((await login(ci, 'ci')).status).toBe(200);
    k8s.deleteAccount('ci', 'ci-runner');
    await expectRefused(await login(ci, 'ci'), 403, /did not authenticate the service account token/);
    const forged = `${ci.split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`;
    await expectRefused(await login(forged, 'ci'), 403, /did not authenticate/);
    // an API server that vouches for another account than the token names is not believed
    k8s.misnameNext('kube-system', 'cluster-admin-bot');
    await expectRefused(await login(await k8s.mint(ESO)), 403, /says the token belongs to another service account/);
  });

  it('checks the role\'s audience in the token and asks the API server for it', async () => {
    await put('auth/kubernetes/role/aud', { ...ESO_ROLE, audience: 'hush' });
    await expectRefused(await login(await k8s.mint(ESO), 'aud'), 403, /invalid audience \(aud\) claim/);
    const before = k8s.reviews().length;
    expect((await login(await k8s.mint({ ...ESO, audience: 'hush' }), 'aud')).status).toBe(200);
    expect(k8s.reviews().slice(before).map((r) => r.audiences)).toEqual([['hush']]);
  });

  it('answers clear errors for bad requests', async () => {
    await expectRefused(await login(await k8s.mint(ESO), 'nobody'), 400, /invalid role name "nobody"/);
    await expectRefused(await login('not-a-jwt'), 400, /not a JWT/);
    await expectRefused(await api(s, 'POST', 'auth/kubernetes/login', { body: { role: 'eso' } }), 400, /missing jwt/);
  });
});

describe('reaching the API server', () => {
  it('without a reviewer token, reviews with the token itself, which needs the right to', async () => {
    await put('sys/auth/k8s-self', { type: 'kubernetes' });
    await put('auth/k8s-self/config', { kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caPem, disable_local_ca_jwt: true });
    await put('auth/k8s-self/role/eso', ESO_ROLE);
    const jwt = await k8s.mint(ESO);
    await expectRefused(await login(jwt, 'eso', 'k8s-self'), 500, /could not review the token \(server answered HTTP 403\)/);
    k8s.allowReviews(ESO.namespace, ESO.name);
    expect((await login(jwt, 'eso', 'k8s-self')).status).toBe(200);
    expect(k8s.reviews().at(-1)!.bearer).toBe(jwt);
  });

  it('trusts only the configured CA for the API server', async () => {
    const other = await startKubernetesApi();
    try {
      await put('sys/auth/k8s-ca', { type: 'kubernetes' });
      await put('auth/k8s-ca/config', { kubernetes_host: k8s.url, kubernetes_ca_cert: other.caPem, token_reviewer_jwt: reviewer });
      await put('auth/k8s-ca/role/eso', ESO_ROLE);
      await expectRefused(await login(await k8s.mint(ESO), 'eso', 'k8s-ca'), 500, /could not review the token \(.*(certificate|signature)/i);
    } finally {
      await other.close();
    }
  });

  it('checks signatures itself with pem_keys, before any review', async () => {
    await put('sys/auth/k8s-pem', { type: 'kubernetes' });
    const other = await startKubernetesApi();
    try {
      await put('auth/k8s-pem/config', { kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caPem, token_reviewer_jwt: reviewer, pem_keys: [await other.signingKeyPem()] });
      await put('auth/k8s-pem/role/eso', ESO_ROLE);
      const before = k8s.reviews().length;
      await expectRefused(await login(await k8s.mint(ESO), 'eso', 'k8s-pem'), 400, /signature verification failed/);
      expect(k8s.reviews().length).toBe(before);
      // one string holding the PEM block, as Vault's sample payload sends it
      await put('auth/k8s-pem/config', { kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caPem, token_reviewer_jwt: reviewer, pem_keys: await k8s.signingKeyPem() });
      expect((await login(await k8s.mint(ESO), 'eso', 'k8s-pem')).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('third-party clients', () => {
  it('node-vault kubernetesLogin gets a token that reads the allowed secret', async () => {
    const vault = nodeVault({ apiVersion: 'v1', endpoint: s.address });
    // node-vault 0.12's default path renders as auth//login (its kubernetesPath is not in the
    // template's view): users name the mount, as here
    const res = await vault.kubernetesLogin({ role: 'eso', jwt: await k8s.mint(ESO), mount_point: 'kubernetes' });
    expect(vault.token).toBe(res.auth.client_token);
    expect((await vault.read('secret/data/app/prod')).data.data.DATABASE_URL).toBe('postgres://app@db/prod');
    await expect(vault.read('secret/data/billing/prod')).rejects.toMatchObject({ response: { statusCode: 403 } });
  });

  const SCRIPT = `
import json, os, hvac
client = hvac.Client(url=os.environ["VAULT_ADDR"])
res = client.auth.kubernetes.login(role="eso", jwt=os.environ["SA_JWT"])
out = {"metadata": res["auth"]["metadata"], "read": client.secrets.kv.v2.read_secret_version(path="app/prod")["data"]["data"]}
try:
    client.secrets.kv.v2.read_secret_version(path="billing/prod")
    out["other"] = "read"
except hvac.exceptions.Forbidden:
    out["other"] = "Forbidden"
try:
    hvac.Client(url=os.environ["VAULT_ADDR"]).auth.kubernetes.login(role="eso", jwt=os.environ["OTHER_JWT"])
    out["other_account"] = "logged in"
except hvac.exceptions.Forbidden as err:
    out["other_account"] = str(err)
print(json.dumps(out))
`;

  it.each(HVAC_VERSIONS)('hvac %s auth.kubernetes.login', async (name, packages) => {
    const python = ensureVenv(`hvac-${name}`, packages);
    const out = JSON.parse(
      await runPython(python, ['-c', SCRIPT], {
        VAULT_ADDR: s.address,
        SA_JWT: await k8s.mint(ESO),
        OTHER_JWT: await k8s.mint({ namespace: 'external-secrets', name: 'default' }),
      }),
    );
    expect(out.metadata.service_account_name).toBe('external-secrets');
    expect(out.read).toEqual({ DATABASE_URL: 'postgres://app@db/prod' });
    expect(out.other).toBe('Forbidden');
    expect(out.other_account).toMatch(/service account name not authorized/);
  });

  it('hush login -method=kubernetes reads the token from a file (jwt=@path) and stores the Hush token', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hush-k8s-cli-'));
    try {
      const tokenFile = join(home, 'sa-token');
      writeFileSync(tokenFile, `${await k8s.mint(ESO)}\n`, { mode: 0o600 });
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^(HUSH|VAULT)_/.test(k) && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
      Object.assign(env, { HOME: home, HUSH_ADDR: s.address, HUSH_TOKEN_FILE: join(home, '.hush-token') });
      const main = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/hush.js');
      const r = await runProcess(process.execPath, [main, 'login', '-method=kubernetes', 'role=eso', `jwt=@${tokenFile}`, '-field=token'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect((await api(s, 'GET', 'secret/data/app/prod', { token: r.stdout.trim() })).status).toBe(200);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
