/**
 * @module One synthetic sample per provider rule: the variable name it is assigned to in the
 * corpus and a generator of a value in the provider's documented format (seeded random bytes; for
 * GitHub and npm with a valid CRC32). Multi-line and context-bound formats supply their own lines.
 */
import { b64, b64url, checksummed, fill, pemBody, pick } from './random.js';
import type { Rng } from './random.js';

export type FileType = 'py' | 'js' | 'ts' | 'yaml' | 'json' | 'toml' | 'ini' | 'env' | 'sh' | 'dockerfile' | 'md';

export interface Sample {
  readonly ruleId: string;
  /** Variable / key name the value is assigned to. */
  readonly name: string;
  readonly value: (r: Rng) => string;
  /** File types the sample is placed in (default: two of the rotation). */
  readonly types?: readonly FileType[];
  /** Own lines instead of `name = value`; the finding is expected on `lines[at]`. */
  readonly raw?: (value: string, type: FileType) => { lines: string[]; at: number };
}

const t = (template: string) => (r: Rng) => fill(r, template);

function jwt(r: Rng): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ sub: fill(r, 'svc-{a:8}'), iat: 1760000000 + Math.floor(r() * 1e6), role: 'service_role', iss: 'auth' }),
  );
  return `${header}.${payload}.${fill(r, '{u:43}')}`;
}

function discordBot(r: Rng): string {
  const id = `1${fill(r, '{d:17}')}`;
  return `${Buffer.from(id).toString('base64url')}.${fill(r, '{u:6}')}.${fill(r, '{u:38}')}`;
}

function sentryOrg(r: Rng): string {
  const body = b64(JSON.stringify({ iat: 1760000000 + Math.floor(r() * 1e6), url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: fill(r, 'acme-{l:5}') }));
  return `sntrys_${body.replace(/=+$/, '')}_${fill(r, '{b:43}')}`;
}

const PEM = (kind: string, bytes: number) => (r: Rng) =>
  [`-----BEGIN ${kind}-----`, ...pemBody(r, bytes), `-----END ${kind}-----`].join('\n');

/** Places a multi-line block in a file type: own lines, a Python string, a YAML block, JSON-escaped. */
function multiline(value: string, type: FileType): { lines: string[]; at: number } {
  const lines = value.split('\n');
  switch (type) {
    case 'py':
      return { lines: [`SIGNING_KEY_PEM = """${lines[0]}`, ...lines.slice(1, -1), `${lines.at(-1)}"""`], at: 0 };
    case 'yaml':
      return { lines: ['tls_material: |', ...lines.map((l) => `  ${l}`)], at: 1 };
    case 'json':
      return { lines: [`  "signing_material": "${lines.join('\\n')}\\n",`], at: 0 };
    case 'js':
    case 'ts':
      return { lines: [`export const signingMaterial = \`${lines[0]}`, ...lines.slice(1, -1), `${lines.at(-1)}\`;`], at: 0 };
    case 'env':
    case 'sh':
      return { lines: [`DEPLOY_IDENTITY="${lines[0]}`, ...lines.slice(1, -1), `${lines.at(-1)}"`], at: 0 };
    case 'md':
      return { lines: ['```text', ...lines, '```'], at: 1 };
    default:
      return { lines, at: 0 };
  }
}

export const SAMPLES: readonly Sample[] = [
  // cloud
  { ruleId: 'aws-access-key-id', name: 'AWS_ACCESS_KEY_ID', value: (r) => `AKIA${fill(r, '{W:16}')}` },
  { ruleId: 'aws-secret-access-key', name: 'AWS_SECRET_ACCESS_KEY', value: t('{b:40}') },
  { ruleId: 'aws-session-token', name: 'AWS_SESSION_TOKEN', value: t('IQoJb3JpZ2luX2Vj{b:280}') },
  { ruleId: 'aws-bedrock-api-key', name: 'BEDROCK_API_KEY', value: t('ABSKQmVkcm9ja0FQSUtleS{b:120}') },
  {
    ruleId: 'gcp-service-account-key-id',
    name: 'private_key_id',
    value: t('{h:40}'),
    types: ['json', 'py'],
    raw: (v, type) =>
      type === 'json'
        ? { lines: ['  "type": "service_account",', '  "project_id": "billing-prod-4821",', `  "private_key_id": "${v}",`], at: 2 }
        : { lines: ['GCP_CREDENTIALS = {', '    "type": "service_account",', `    "private_key_id": "${v}",`, '}'], at: 2 },
  },
  { ruleId: 'google-api-key', name: 'GOOGLE_MAPS_KEY', value: t('AIza{u:35}') },
  { ruleId: 'google-oauth-client-secret', name: 'GOOGLE_CLIENT_SECRET', value: t('GOCSPX-{u:28}') },
  { ruleId: 'google-oauth-access-token', name: 'GOOGLE_ACCESS_TOKEN', value: t('ya29.a0A{u:120}') },
  { ruleId: 'google-oauth-refresh-token', name: 'GOOGLE_REFRESH_TOKEN', value: t('1//0{u:99}') },
  { ruleId: 'firebase-fcm-server-key', name: 'FCM_SERVER_KEY', value: t('AAAA{u:7}:APA91b{u:134}') },
  {
    ruleId: 'azure-storage-account-key',
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    value: t('DefaultEndpointsProtocol=https;AccountName=stbilling{l:4};AccountKey={b:86}==;EndpointSuffix=core.windows.net'),
  },
  {
    ruleId: 'azure-sas-token',
    name: 'BLOB_UPLOAD_URL',
    value: t('https://stbilling{l:4}.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=co&sp=rwl&se=2027-01-01T00:00:00Z&spr=https&sig={b:43}%3D'),
  },
  {
    ruleId: 'azure-shared-access-key',
    name: 'SERVICEBUS_CONNECTION',
    value: t('Endpoint=sb://sb-orders-{l:5}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={b:43}='),
  },
  { ruleId: 'azure-ad-client-secret', name: 'AZURE_CLIENT_SECRET', value: t('{A:3}8Q~{u:34}') },
  { ruleId: 'azure-cognitive-key', name: 'AZURE_OPENAI_API_KEY', value: t('{h:32}') },
  { ruleId: 'alibaba-access-key-id', name: 'ALIBABA_CLOUD_ACCESS_KEY_ID', value: t('LTAI5t{A:18}') },
  { ruleId: 'alibaba-access-key-secret', name: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', value: t('{A:30}') },
  { ruleId: 'tencent-cloud-secret-id', name: 'TENCENTCLOUD_SECRET_ID', value: t('AKID{A:32}') },
  { ruleId: 'yandex-cloud-api-key', name: 'YC_API_KEY', value: t('AQVN{u:36}') },
  { ruleId: 'ibm-cloud-api-key', name: 'IBM_CLOUD_API_KEY', value: t('{u:44}') },
  { ruleId: 'digitalocean-token', name: 'DIGITALOCEAN_TOKEN', value: t('dop_v1_{h:64}') },
  { ruleId: 'linode-token', name: 'LINODE_TOKEN', value: t('{h:64}') },
  { ruleId: 'vultr-api-key', name: 'VULTR_API_KEY', value: t('{U:36}') },
  { ruleId: 'hetzner-cloud-token', name: 'HCLOUD_TOKEN', value: t('{A:64}') },
  { ruleId: 'ovh-application-secret', name: 'OVH_APPLICATION_SECRET', value: t('{A:32}') },
  { ruleId: 'scaleway-secret-key', name: 'SCW_SECRET_KEY', value: t('{uuid}') },
  { ruleId: 'heroku-api-key', name: 'HEROKU_API_KEY', value: t('HRKU-{u:60}') },
  { ruleId: 'heroku-api-key-legacy', name: 'HEROKU_API_KEY', value: t('{uuid}') },
  { ruleId: 'netlify-pat', name: 'NETLIFY_AUTH_TOKEN', value: t('nfp_{A:36}') },
  { ruleId: 'vercel-token', name: 'VERCEL_TOKEN', value: t('{A:24}') },
  { ruleId: 'render-api-key', name: 'RENDER_API_KEY', value: t('rnd_{A:32}') },
  { ruleId: 'flyio-token', name: 'FLY_API_TOKEN', value: t('fo1_{u:43}') },
  { ruleId: 'railway-token', name: 'RAILWAY_TOKEN', value: t('{uuid}') },
  { ruleId: 'cloudflare-api-token', name: 'CLOUDFLARE_API_TOKEN', value: t('{u:40}') },
  { ruleId: 'cloudflare-origin-ca-key', name: 'ORIGIN_CA_KEY', value: t('v1.0-{h:24}-{h:146}') },
  { ruleId: 'fastly-api-token', name: 'FASTLY_API_TOKEN', value: t('{u:32}') },
  { ruleId: 'akamai-edgegrid-token', name: 'AKAMAI_CLIENT_TOKEN', value: t('akab-{a:16}-{a:16}') },
  { ruleId: 'supabase-token', name: 'SUPABASE_ACCESS_TOKEN', value: t('sbp_{h:40}') },
  { ruleId: 'neon-api-key', name: 'NEON_API_KEY', value: t('napi_{a:64}') },
  { ruleId: 'planetscale-token', name: 'PLANETSCALE_SERVICE_TOKEN', value: t('pscale_tkn_{u:43}') },
  { ruleId: 'backblaze-b2-key', name: 'B2_APPLICATION_KEY', value: t('K005{A:27}') },
  // vcs / ci
  { ruleId: 'github-pat-classic', name: 'GITHUB_TOKEN', value: (r) => checksummed(r, 'ghp_') },
  { ruleId: 'github-oauth-token', name: 'GH_OAUTH_TOKEN', value: (r) => checksummed(r, 'gho_') },
  { ruleId: 'github-user-to-server-token', name: 'GH_USER_TOKEN', value: (r) => checksummed(r, 'ghu_') },
  { ruleId: 'github-server-to-server-token', name: 'GH_INSTALLATION_TOKEN', value: (r) => checksummed(r, 'ghs_') },
  { ruleId: 'github-refresh-token', name: 'GH_REFRESH_TOKEN', value: (r) => checksummed(r, 'ghr_') },
  { ruleId: 'github-pat-fine-grained', name: 'GITHUB_PAT', value: t('github_pat_11{A:20}_{A:59}') },
  { ruleId: 'gitlab-pat', name: 'GITLAB_TOKEN', value: t('glpat-{u:20}') },
  { ruleId: 'gitlab-deploy-token', name: 'CI_DEPLOY_PASSWORD', value: t('gldt-{u:20}') },
  { ruleId: 'gitlab-runner-token', name: 'RUNNER_TOKEN', value: t('glrt-{u:20}') },
  { ruleId: 'gitlab-pipeline-trigger-token', name: 'TRIGGER_TOKEN', value: t('glptt-{h:40}') },
  { ruleId: 'gitlab-oauth-secret', name: 'GITLAB_APP_SECRET', value: t('gloas-{h:64}') },
  { ruleId: 'bitbucket-app-password', name: 'BITBUCKET_APP_PASSWORD', value: t('ATBB{A:32}') },
  { ruleId: 'atlassian-api-token', name: 'JIRA_API_TOKEN', value: t('ATATT3xFfGF0{u:180}') },
  { ruleId: 'azure-devops-pat', name: 'AZURE_DEVOPS_PAT', value: t('{3:52}') },
  { ruleId: 'sourcegraph-access-token', name: 'SRC_ACCESS_TOKEN', value: t('sgp_{h:16}_{h:40}') },
  { ruleId: 'circleci-personal-token', name: 'CIRCLECI_TOKEN', value: t('CCIPAT_{A:22}_{h:40}') },
  { ruleId: 'buildkite-token', name: 'BUILDKITE_API_TOKEN', value: t('bkua_{h:40}') },
  { ruleId: 'travis-ci-token', name: 'TRAVIS_API_TOKEN', value: t('{A:22}') },
  { ruleId: 'harness-pat', name: 'HARNESS_API_KEY', value: t('pat.{A:22}.{h:24}.{A:20}') },
  { ruleId: 'octopus-deploy-api-key', name: 'OCTOPUS_CLI_API_KEY', value: t('API-{U:27}') },
  { ruleId: 'teamcity-token', name: 'TEAMCITY_TOKEN', value: t('eyJ0eXAiOiAiVENWMiJ9.{u:36}.{u:48}') },
  { ruleId: 'sonarqube-token', name: 'SONAR_TOKEN', value: t('squ_{h:40}') },
  { ruleId: 'snyk-token', name: 'SNYK_TOKEN', value: t('{uuid}') },
  { ruleId: 'codecov-token', name: 'CODECOV_TOKEN', value: t('{uuid}') },
  { ruleId: 'postman-api-key', name: 'POSTMAN_API_KEY', value: t('PMAK-{h:24}-{h:34}') },
  { ruleId: 'gitea-token', name: 'GITEA_TOKEN', value: t('{h:40}') },
  { ruleId: 'drone-ci-token', name: 'DRONE_TOKEN', value: t('{A:32}') },
  // devtools
  { ruleId: 'npm-access-token', name: 'NPM_TOKEN', value: (r) => checksummed(r, 'npm_') },
  {
    ruleId: 'npmrc-auth-token',
    name: '_authToken',
    value: t('{b:40}'),
    types: ['ini', 'dockerfile'],
    raw: (v, type) =>
      type === 'dockerfile'
        ? { lines: [`RUN echo "//npm.pkg.internal/:_authToken=${v}" > /root/.npmrc`], at: 0 }
        : { lines: ['registry=https://npm.pkg.internal/', `//npm.pkg.internal/:_authToken=${v}`], at: 1 },
  },
  { ruleId: 'pypi-upload-token', name: 'TWINE_PASSWORD', value: t('pypi-AgEIcHlwaS5vcmc{u:160}') },
  { ruleId: 'dockerhub-pat', name: 'DOCKERHUB_TOKEN', value: t('dckr_pat_{u:27}') },
  {
    ruleId: 'docker-config-auth',
    name: 'auth',
    value: (r) => b64(`ci-bot:${fill(r, '{A:24}')}`),
    types: ['json', 'yaml'],
    raw: (v, type) =>
      type === 'json'
        ? { lines: ['{', '  "auths": {', '    "registry.internal.corp": {', `      "auth": "${v}"`, '    }', '  }', '}'], at: 3 }
        : { lines: ['stringData:', `  .dockerconfigjson: '{"auths":{"ghcr.io":{"auth":"${v}"}}}'`], at: 1 },
  },
  { ruleId: 'rubygems-api-key', name: 'GEM_HOST_API_KEY', value: t('rubygems_{h:48}') },
  { ruleId: 'nuget-api-key', name: 'NUGET_API_KEY', value: t('oy2{a:43}') },
  { ruleId: 'clojars-token', name: 'CLOJARS_DEPLOY_TOKEN', value: t('CLOJARS_{a:60}') },
  { ruleId: 'jfrog-api-key', name: 'ARTIFACTORY_API_KEY', value: t('AKCp{A:69}') },
  { ruleId: 'hush-token', name: 'HUSH_TOKEN', value: t('hvs.{A:32}') },
  { ruleId: 'vault-token', name: 'VAULT_TOKEN', value: t('hvs.CAESI{u:86}') },
  { ruleId: 'vault-legacy-token', name: 'VAULT_TOKEN', value: t('s.{A:24}') },
  { ruleId: 'terraform-cloud-token', name: 'TFE_TOKEN', value: t('{A:14}.atlasv1.{u:67}') },
  { ruleId: 'pulumi-access-token', name: 'PULUMI_ACCESS_TOKEN', value: t('pul-{h:40}') },
  { ruleId: 'doppler-token', name: 'DOPPLER_TOKEN', value: t('dp.st.prd.{A:43}') },
  { ruleId: 'onepassword-service-account-token', name: 'OP_SERVICE_ACCOUNT_TOKEN', value: (r) => `ops_${b64url(JSON.stringify({ signInAddress: 'acme.1password.com', userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: fill(r, '{u:22}') }, email: fill(r, '{a:10}@1passwordserviceaccounts.com'), srpX: fill(r, '{h:64}') }))}` },
  { ruleId: 'age-secret-key', name: 'SOPS_AGE_KEY', value: t('AGE-SECRET-KEY-1{B:58}') },
  { ruleId: 'infracost-api-key', name: 'INFRACOST_API_KEY', value: t('ico-{A:32}') },
  { ruleId: 'prefect-api-key', name: 'PREFECT_API_KEY', value: t('pnu_{A:36}') },
  { ruleId: 'databricks-token', name: 'DATABRICKS_TOKEN', value: t('dapi{h:32}') },
  { ruleId: 'tailscale-key', name: 'TS_AUTHKEY', value: t('tskey-auth-k{A:10}CNTRL-{A:33}') },
  { ruleId: 'ngrok-authtoken', name: 'NGROK_AUTHTOKEN', value: t('2{A:26}_{A:21}') },
  {
    ruleId: 'kubeconfig-client-key-data',
    name: 'client-key-data',
    value: (r) => b64(PEM('RSA PRIVATE KEY', 300)(r)),
    types: ['yaml', 'md'],
    raw: (v, type) =>
      type === 'yaml'
        ? { lines: ['users:', '- name: ci-deployer', '  user:', `    client-key-data: ${v}`], at: 3 }
        : { lines: ['```yaml', `    client-key-data: ${v}`, '```'], at: 1 },
  },
  { ruleId: 'openshift-token', name: 'OPENSHIFT_TOKEN', value: t('sha256~{u:43}') },
  { ruleId: 'ansible-galaxy-token', name: 'ANSIBLE_GALAXY_TOKEN', value: t('{h:40}') },
  { ruleId: 'maxmind-license-key', name: 'MAXMIND_LICENSE_KEY', value: t('{A:6}_{A:29}_mmk') },
  { ruleId: 'jenkins-api-token', name: 'JENKINS_API_TOKEN', value: t('11{h:32}') },
  { ruleId: 'readme-api-key', name: 'README_API_KEY', value: t('rdme_{a:70}') },
  { ruleId: 'cloudsmith-api-key', name: 'CLOUDSMITH_API_KEY', value: t('{h:40}') },
  // payments
  { ruleId: 'stripe-secret-key-live', name: 'STRIPE_SECRET_KEY', value: t('sk_live_51{A:97}') },
  { ruleId: 'stripe-restricted-key-live', name: 'STRIPE_RESTRICTED_KEY', value: t('rk_live_51{A:97}') },
  { ruleId: 'stripe-secret-key-test', name: 'STRIPE_SECRET_KEY', value: t('sk_test_51{A:97}') },
  { ruleId: 'stripe-webhook-secret', name: 'STRIPE_WEBHOOK_SECRET', value: t('whsec_{A:32}') },
  { ruleId: 'square-access-token', name: 'SQUARE_ACCESS_TOKEN', value: t('EAAA{u:60}') },
  { ruleId: 'square-oauth-secret', name: 'SQUARE_APPLICATION_SECRET', value: t('sq0csp-{u:43}') },
  { ruleId: 'braintree-access-token', name: 'BRAINTREE_ACCESS_TOKEN', value: t('access_token$production${a:16}${h:32}') },
  { ruleId: 'paypal-client-secret', name: 'PAYPAL_CLIENT_SECRET', value: t('E{u:79}') },
  { ruleId: 'adyen-api-key', name: 'ADYEN_API_KEY', value: t('AQE{A:20}.{b:90}') },
  { ruleId: 'razorpay-key-id', name: 'RAZORPAY_KEY_ID', value: t('rzp_live_{A:14}') },
  { ruleId: 'razorpay-key-secret', name: 'RAZORPAY_KEY_SECRET', value: t('{A:24}') },
  { ruleId: 'flutterwave-secret-key', name: 'FLW_SECRET_KEY', value: t('FLWSECK-{h:32}-X') },
  { ruleId: 'paystack-secret-key', name: 'PAYSTACK_SECRET_KEY', value: t('sk_live_{h:40}') },
  { ruleId: 'plaid-access-token', name: 'PLAID_ACCESS_TOKEN', value: t('access-production-{uuid}') },
  { ruleId: 'plaid-secret', name: 'PLAID_SECRET', value: t('{h:30}') },
  { ruleId: 'gocardless-access-token', name: 'GOCARDLESS_ACCESS_TOKEN', value: t('live_{u:40}') },
  { ruleId: 'mollie-api-key', name: 'MOLLIE_API_KEY', value: t('live_{A:30}') },
  { ruleId: 'paddle-api-key', name: 'PADDLE_API_KEY', value: t('pdl_live_apikey_01{a:24}_{A:22}_{A:3}') },
  { ruleId: 'mercadopago-access-token', name: 'MP_ACCESS_TOKEN', value: t('APP_USR-{d:16}-{d:6}-{h:32}-{d:9}') },
  { ruleId: 'shopify-access-token', name: 'SHOPIFY_ACCESS_TOKEN', value: t('shpat_{h:32}') },
  { ruleId: 'shopify-shared-secret', name: 'SHOPIFY_API_SECRET', value: t('shpss_{h:32}') },
  { ruleId: 'woocommerce-api-key', name: 'WC_CONSUMER_SECRET', value: t('cs_{h:40}') },
  { ruleId: 'coinbase-api-secret', name: 'COINBASE_API_SECRET', value: t('{A:32}') },
  { ruleId: 'shippo-api-token', name: 'SHIPPO_API_TOKEN', value: t('shippo_live_{h:40}') },
  { ruleId: 'easypost-api-key', name: 'EASYPOST_API_KEY', value: t('EZAK{A:54}') },
  { ruleId: 'duffel-api-token', name: 'DUFFEL_ACCESS_TOKEN', value: t('duffel_live_{u:43}') },
  // chat / mail
  { ruleId: 'slack-bot-token', name: 'SLACK_BOT_TOKEN', value: t('xoxb-{d:12}-{d:13}-{A:24}') },
  { ruleId: 'slack-user-token', name: 'SLACK_USER_TOKEN', value: t('xoxp-{d:12}-{d:12}-{d:13}-{h:32}') },
  { ruleId: 'slack-app-token', name: 'SLACK_APP_TOKEN', value: t('xapp-1-A{U:10}-{d:13}-{h:64}') },
  { ruleId: 'slack-config-token', name: 'SLACK_CONFIG_TOKEN', value: t('xoxe-1-{A:150}') },
  { ruleId: 'slack-webhook-url', name: 'SLACK_WEBHOOK_URL', value: t('https://hooks.slack.com/services/T{U:10}/B{U:10}/{A:24}') },
  { ruleId: 'discord-bot-token', name: 'DISCORD_BOT_TOKEN', value: discordBot },
  { ruleId: 'discord-webhook-url', name: 'DISCORD_WEBHOOK', value: t('https://discord.com/api/webhooks/1{d:18}/{u:68}') },
  { ruleId: 'telegram-bot-token', name: 'TELEGRAM_BOT_TOKEN', value: t('{d:10}:AA{u:33}') },
  { ruleId: 'microsoft-teams-webhook', name: 'TEAMS_WEBHOOK_URL', value: t('https://contoso{l:4}.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}') },
  { ruleId: 'twilio-api-key', name: 'TWILIO_API_KEY_SID', value: t('SK{h:32}') },
  { ruleId: 'twilio-auth-token', name: 'TWILIO_AUTH_TOKEN', value: t('{h:32}') },
  { ruleId: 'sendgrid-api-key', name: 'SENDGRID_API_KEY', value: t('SG.{u:22}.{u:43}') },
  { ruleId: 'mailgun-api-key', name: 'MAILGUN_API_KEY', value: t('key-{h:32}') },
  { ruleId: 'mailchimp-api-key', name: 'MAILCHIMP_API_KEY', value: t('{h:32}-us14') },
  { ruleId: 'postmark-server-token', name: 'POSTMARK_SERVER_TOKEN', value: t('{uuid}') },
  { ruleId: 'brevo-api-key', name: 'BREVO_API_KEY', value: t('xkeysib-{h:64}-{A:16}') },
  { ruleId: 'resend-api-key', name: 'RESEND_API_KEY', value: t('re_{A:8}_{A:24}') },
  { ruleId: 'mandrill-api-key', name: 'MANDRILL_API_KEY', value: t('md-{u:22}') },
  { ruleId: 'mailjet-secret-key', name: 'MAILJET_SECRET_KEY', value: t('{h:32}') },
  { ruleId: 'sparkpost-api-key', name: 'SPARKPOST_API_KEY', value: t('{h:40}') },
  { ruleId: 'vonage-api-secret', name: 'VONAGE_API_SECRET', value: t('{A:16}') },
  { ruleId: 'zoom-client-secret', name: 'ZOOM_CLIENT_SECRET', value: t('{A:32}') },
  { ruleId: 'pusher-secret', name: 'PUSHER_APP_SECRET', value: t('{h:20}') },
  { ruleId: 'sendbird-api-token', name: 'SENDBIRD_API_TOKEN', value: t('{h:40}') },
  // ai
  { ruleId: 'openai-project-key', name: 'OPENAI_API_KEY', value: t('sk-proj-{u:74}T3BlbkFJ{u:74}') },
  { ruleId: 'openai-legacy-key', name: 'OPENAI_KEY', value: t('sk-{A:20}T3BlbkFJ{A:20}') },
  { ruleId: 'anthropic-api-key', name: 'ANTHROPIC_API_KEY', value: t('sk-ant-api03-{u:93}AA') },
  { ruleId: 'huggingface-token', name: 'HF_TOKEN', value: t('hf_{L:34}') },
  { ruleId: 'groq-api-key', name: 'GROQ_API_KEY', value: t('gsk_{A:52}') },
  { ruleId: 'replicate-api-token', name: 'REPLICATE_API_TOKEN', value: t('r8_{A:37}') },
  { ruleId: 'perplexity-api-key', name: 'PERPLEXITY_API_KEY', value: t('pplx-{A:48}') },
  { ruleId: 'xai-api-key', name: 'XAI_API_KEY', value: t('xai-{A:80}') },
  { ruleId: 'openrouter-api-key', name: 'OPENROUTER_API_KEY', value: t('sk-or-v1-{h:64}') },
  { ruleId: 'langsmith-api-key', name: 'LANGSMITH_API_KEY', value: t('lsv2_pt_{h:32}_{h:10}') },
  { ruleId: 'pinecone-api-key', name: 'PINECONE_API_KEY', value: t('pcsk_{A:5}_{A:64}') },
  { ruleId: 'cohere-api-key', name: 'COHERE_API_KEY', value: t('{A:40}') },
  { ruleId: 'mistral-api-key', name: 'MISTRAL_API_KEY', value: t('{A:32}') },
  { ruleId: 'deepseek-api-key', name: 'DEEPSEEK_API_KEY', value: t('sk-{h:32}') },
  { ruleId: 'wandb-api-key', name: 'WANDB_API_KEY', value: t('{h:40}') },
  { ruleId: 'elevenlabs-api-key', name: 'ELEVENLABS_API_KEY', value: t('sk_{h:48}') },
  { ruleId: 'assemblyai-api-key', name: 'ASSEMBLYAI_API_KEY', value: t('{h:32}') },
  { ruleId: 'deepgram-api-key', name: 'DEEPGRAM_API_KEY', value: t('{h:40}') },
  { ruleId: 'fireworks-api-key', name: 'FIREWORKS_API_KEY', value: t('fw_{A:24}') },
  { ruleId: 'stability-api-key', name: 'STABILITY_API_KEY', value: t('sk-{A:48}') },
  { ruleId: 'cerebras-api-key', name: 'CEREBRAS_API_KEY', value: t('csk-{a:48}') },
  { ruleId: 'tavily-api-key', name: 'TAVILY_API_KEY', value: t('tvly-dev-{A:32}') },
  { ruleId: 'firecrawl-api-key', name: 'FIRECRAWL_API_KEY', value: t('fc-{h:32}') },
  { ruleId: 'together-api-key', name: 'TOGETHER_API_KEY', value: t('{h:64}') },
  { ruleId: 'voyage-api-key', name: 'VOYAGE_API_KEY', value: t('pa-{u:43}') },
  // saas
  { ruleId: 'datadog-api-key', name: 'DD_API_KEY', value: t('{h:32}') },
  { ruleId: 'newrelic-user-api-key', name: 'NEW_RELIC_API_KEY', value: t('NRAK-{U:27}') },
  { ruleId: 'newrelic-license-key', name: 'NEW_RELIC_LICENSE_KEY', value: t('{h:36}NRAL') },
  { ruleId: 'sentry-org-token', name: 'SENTRY_AUTH_TOKEN', value: sentryOrg },
  { ruleId: 'sentry-user-token', name: 'SENTRY_USER_TOKEN', value: t('sntryu_{h:64}') },
  { ruleId: 'sentry-dsn', name: 'SENTRY_DSN', value: t('https://{h:32}@o{d:6}.ingest.us.sentry.io/{d:7}') },
  { ruleId: 'grafana-cloud-token', name: 'GRAFANA_CLOUD_TOKEN', value: (r) => `glc_${b64(JSON.stringify({ o: fill(r, '{d:6}'), n: fill(r, 'stack-{d:6}-hm-write'), k: fill(r, '{A:24}'), m: { r: 'prod-us-east-0' } }))}` },
  { ruleId: 'grafana-service-account-token', name: 'GRAFANA_SA_TOKEN', value: t('glsa_{A:32}_{h:8}') },
  { ruleId: 'dynatrace-token', name: 'DT_API_TOKEN', value: t('dt0c01.{U:24}.{U:64}') },
  { ruleId: 'honeycomb-api-key', name: 'HONEYCOMB_API_KEY', value: t('{A:22}') },
  { ruleId: 'rollbar-token', name: 'ROLLBAR_ACCESS_TOKEN', value: t('{h:32}') },
  { ruleId: 'bugsnag-api-key', name: 'BUGSNAG_API_KEY', value: t('{h:32}') },
  { ruleId: 'pagerduty-api-key', name: 'PAGERDUTY_API_KEY', value: t('u+{u:18}') },
  { ruleId: 'sumologic-access-key', name: 'SUMOLOGIC_ACCESS_KEY', value: t('{A:64}') },
  { ruleId: 'splunk-hec-token', name: 'SPLUNK_HEC_TOKEN', value: t('{uuid}') },
  { ruleId: 'launchdarkly-key', name: 'LAUNCHDARKLY_SDK_KEY', value: t('sdk-{uuid}') },
  { ruleId: 'posthog-personal-key', name: 'POSTHOG_PERSONAL_API_KEY', value: t('phx_{A:43}') },
  { ruleId: 'segment-write-key', name: 'SEGMENT_WRITE_KEY', value: t('{A:32}') },
  { ruleId: 'mixpanel-secret', name: 'MIXPANEL_API_SECRET', value: t('{h:32}') },
  { ruleId: 'algolia-admin-key', name: 'ALGOLIA_ADMIN_KEY', value: t('{h:32}') },
  { ruleId: 'contentful-pat', name: 'CONTENTFUL_MANAGEMENT_TOKEN', value: t('CFPAT-{u:43}') },
  { ruleId: 'notion-integration-token', name: 'NOTION_TOKEN', value: t('ntn_{d:11}{A:35}') },
  { ruleId: 'airtable-pat', name: 'AIRTABLE_PAT', value: t('pat{A:14}.{h:64}') },
  { ruleId: 'linear-api-key', name: 'LINEAR_API_KEY', value: t('lin_api_{A:40}') },
  { ruleId: 'figma-pat', name: 'FIGMA_TOKEN', value: t('figd_{u:40}') },
  { ruleId: 'asana-pat', name: 'ASANA_PAT', value: t('2/{d:16}/{d:16}:{h:32}') },
  { ruleId: 'trello-token', name: 'TRELLO_TOKEN', value: t('ATTA{h:64}{H:8}') },
  { ruleId: 'clickup-api-token', name: 'CLICKUP_API_TOKEN', value: t('pk_{d:8}_{U:32}') },
  { ruleId: 'hubspot-private-app-token', name: 'HUBSPOT_ACCESS_TOKEN', value: t('pat-na1-{uuid}') },
  { ruleId: 'salesforce-access-token', name: 'SF_ACCESS_TOKEN', value: t('00D{A:15}!AQ{A:110}') },
  { ruleId: 'zoho-token', name: 'ZOHO_REFRESH_TOKEN', value: t('1000.{h:32}.{h:32}') },
  { ruleId: 'zendesk-api-token', name: 'ZENDESK_API_TOKEN', value: t('{A:40}') },
  { ruleId: 'intercom-access-token', name: 'INTERCOM_ACCESS_TOKEN', value: t('dG9rOj{A:54}=') },
  { ruleId: 'mapbox-secret-token', name: 'MAPBOX_SECRET_TOKEN', value: (r) => `sk.${b64url(JSON.stringify({ u: fill(r, 'acme{l:4}'), a: fill(r, 'cl{a:23}') }))}.${fill(r, '{u:22}')}` },
  { ruleId: 'twitter-bearer-token', name: 'TWITTER_BEARER_TOKEN', value: t('AAAAAAAAAAAAAAAAAAAAA{A:30}%2F{A:20}%3D{A:40}') },
  { ruleId: 'meta-access-token', name: 'FB_PAGE_ACCESS_TOKEN', value: t('EAAG{A:180}') },
  { ruleId: 'pinterest-access-token', name: 'PINTEREST_ACCESS_TOKEN', value: t('pina_{A:96}') },
  { ruleId: 'twitch-client-secret', name: 'TWITCH_CLIENT_SECRET', value: t('{a:30}') },
  { ruleId: 'spotify-client-secret', name: 'SPOTIFY_CLIENT_SECRET', value: t('{h:32}') },
  { ruleId: 'reddit-client-secret', name: 'REDDIT_CLIENT_SECRET', value: t('{u:30}') },
  { ruleId: 'linkedin-client-secret', name: 'LINKEDIN_CLIENT_SECRET', value: t('WPL_AP1.{A:16}.{A:8}==') },
  { ruleId: 'dropbox-token', name: 'DROPBOX_ACCESS_TOKEN', value: t('sl.u.AF{u:140}') },
  { ruleId: 'box-client-secret', name: 'BOX_CLIENT_SECRET', value: t('{A:32}') },
  { ruleId: 'okta-api-token', name: 'OKTA_API_TOKEN', value: t('00{u:40}') },
  { ruleId: 'auth0-client-secret', name: 'AUTH0_CLIENT_SECRET', value: t('{u:64}') },
  { ruleId: 'adobe-client-secret', name: 'ADOBE_CLIENT_SECRET', value: t('p8e-{u:32}') },
  { ruleId: 'riot-games-api-key', name: 'RIOT_API_KEY', value: t('RGAPI-{uuid}') },
  { ruleId: 'cloudinary-url', name: 'CLOUDINARY_URL', value: t('cloudinary://{d:15}:{u:27}@acme-media') },
  { ruleId: 'frameio-token', name: 'FRAMEIO_TOKEN', value: t('fio-u-{u:64}') },
  { ruleId: 'typeform-pat', name: 'TYPEFORM_TOKEN', value: t('tfp_{A:44}_{A:14}') },
  { ruleId: 'adafruit-io-key', name: 'ADAFRUIT_IO_KEY', value: t('aio_{A:28}') },
  { ruleId: 'onesignal-api-key', name: 'ONESIGNAL_REST_API_KEY', value: t('os_v2_app_{3:113}') },
  { ruleId: 'scalingo-api-token', name: 'SCALINGO_API_TOKEN', value: t('tk-us-{u:48}') },
  { ruleId: 'infura-api-key', name: 'INFURA_API_SECRET', value: t('{h:32}') },
  { ruleId: 'etherscan-api-key', name: 'ETHERSCAN_API_KEY', value: t('{U:34}') },
  { ruleId: 'alchemy-api-key', name: 'ALCHEMY_API_KEY', value: t('{u:32}') },
  // framework / signed tokens
  { ruleId: 'jwt', name: 'SERVICE_ROLE_JWT', value: jwt },
  { ruleId: 'django-secret-key', name: 'SECRET_KEY', value: t('django-insecure-{D:50}'), types: ['py', 'toml'] },
  { ruleId: 'rails-secret-key-base', name: 'SECRET_KEY_BASE', value: t('{h:128}'), types: ['env', 'yaml'] },
  { ruleId: 'laravel-app-key', name: 'APP_KEY', value: t('base64:{b:43}='), types: ['env', 'sh'] },
  { ruleId: 'symfony-app-secret', name: 'APP_SECRET', value: t('{h:32}'), types: ['env', 'yaml'] },
  {
    ruleId: 'phoenix-secret-key-base',
    name: 'secret_key_base',
    value: t('{b:64}'),
    types: ['md', 'js'],
    raw: (v) => ({ lines: ['config :shop, ShopWeb.Endpoint,', `  secret_key_base: "${v}",`], at: 1 }),
  },
  // private keys
  { ruleId: 'private-key-pem', name: 'key', value: PEM('RSA PRIVATE KEY', 600), types: ['py', 'yaml', 'json'], raw: multiline },
  { ruleId: 'private-key-pem', name: 'key', value: PEM('PRIVATE KEY', 120), types: ['js', 'md'], raw: multiline },
  { ruleId: 'private-key-pem', name: 'key', value: PEM('EC PRIVATE KEY', 121), types: ['env', 'ts'], raw: multiline },
  {
    ruleId: 'private-key-pem',
    name: 'key',
    value: (r) => ['-----BEGIN ENCRYPTED PRIVATE KEY-----', ...pemBody(r, 1300), '-----END ENCRYPTED PRIVATE KEY-----'].join('\n'),
    types: ['yaml', 'sh'],
    raw: multiline,
  },
  { ruleId: 'private-key-openssh', name: 'key', value: PEM('OPENSSH PRIVATE KEY', 400), types: ['env', 'yaml', 'md'], raw: multiline },
  {
    ruleId: 'private-key-pgp',
    name: 'key',
    value: (r) => ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', ...pemBody(r, 900), `=${fill(r, '{b:4}')}`, '-----END PGP PRIVATE KEY BLOCK-----'].join('\n'),
    types: ['yaml', 'md'],
    raw: multiline,
  },
  {
    ruleId: 'private-key-putty',
    name: 'key',
    value: (r) =>
      ['PuTTY-User-Key-File-3: ssh-ed25519', 'Encryption: none', 'Comment: deploy@build', 'Public-Lines: 2', ...pemBody(r, 51), 'Private-Lines: 1', ...pemBody(r, 48), `Private-MAC: ${fill(r, '{h:64}')}`].join('\n'),
    types: ['md', 'yaml'],
    raw: multiline,
  },
  // connection URLs
  { ruleId: 'postgres-url-password', name: 'DATABASE_URL', value: t('postgresql://billing_app:{A:20}@db-primary.internal:5432/billing') },
  { ruleId: 'mysql-url-password', name: 'MYSQL_URL', value: t('mysql://shop:{A:18}@mysql.prod.internal:3306/shop') },
  { ruleId: 'redis-url-password', name: 'REDIS_URL', value: t('rediss://default:{A:32}@cache-7.internal:6380/0') },
  { ruleId: 'amqp-url-password', name: 'BROKER_URL', value: t('amqps://orders:{A:22}@mq.internal:5671/orders') },
  { ruleId: 'mongodb-url-password', name: 'MONGO_URI', value: t('mongodb+srv://analytics:{A:24}@cluster0.{a:5}.mongodb.net/events?retryWrites=true') },
  { ruleId: 'mssql-url-password', name: 'SQLSERVER_URL', value: t('sqlserver://reporting:{A:20}@sql01.corp.internal:1433') },
  { ruleId: 'smtp-url-password', name: 'EMAIL_URL', value: t('smtp://mailer%40acme.io:{A:20}@smtp.mailprovider.net:587') },
  { ruleId: 'ldap-url-password', name: 'LDAP_BIND_URL', value: t('ldaps://svc-directory:{A:20}@ldap.corp.internal:636') },
  { ruleId: 'ftp-url-password', name: 'BACKUP_TARGET', value: t('sftp://backup:{A:20}@files.corp.internal/backups') },
  { ruleId: 'http-basic-auth-url', name: 'PIP_INDEX_URL', value: t('https://deploy:{A:24}@pypi.corp.internal/simple') },
];

/** Random lines of the right shape used by the generator for near-miss negatives. */
export const NEAR_MISS = { pick };
