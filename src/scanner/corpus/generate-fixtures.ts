/**
 * @module Writes the labelled scan corpus into test/fixtures/scan/: positive files (every provider
 * rule's format in at least two file types, plus realistic generic assignments) with labels.json,
 * and negative files (placeholders, documentation examples, hashes, UUIDs, lock files, test keys
 * marked as such, env lookups, near-miss tokens). All values are synthetic, drawn from a seeded PRNG
 * in the documented formats; GitHub and npm tokens carry a valid CRC32. Run:
 * `npx tsx src/scanner/corpus/generate-fixtures.ts` (deterministic: same seed, same files).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base62, crc32 } from '../rules/codec.js';
import { b64, b64url, checksummed, fill, pemBody, seeded } from './random.js';
import type { Rng } from './random.js';
import { SAMPLES } from './samples.js';
import type { FileType } from './samples.js';

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/scan');
export const SEED = 20261123;

export interface Label {
  readonly file: string;
  readonly line: number;
  readonly ruleId: string;
}

const ROTATION: readonly FileType[] = ['py', 'env', 'yaml', 'js', 'json', 'sh', 'toml', 'ts', 'ini', 'dockerfile', 'md'];

interface Entry {
  lines: string[];
  at: number;
  ruleId: string;
}

const camel = (name: string): string => name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function formatEntry(type: FileType, name: string, value: string): string {
  switch (type) {
    case 'py':
      return `${name} = "${value}"`;
    case 'js':
      return `const ${camel(name)} = '${value}';`;
    case 'ts':
      return `export const ${name}: string = "${value}";`;
    case 'yaml':
      return /^[A-Za-z0-9]/.test(value) && !/[#:]\s|[{}[\],&*!|>'"%@`]/.test(value) ? `${name.toLowerCase()}: ${value}` : `${name.toLowerCase()}: "${value}"`;
    case 'json':
      return `  "${name.toLowerCase()}": "${value}",`;
    case 'toml':
      return `${name.toLowerCase()} = "${value}"`;
    case 'ini':
      return `${name.toLowerCase()} = ${value}`;
    case 'env':
      return `${name}=${value}`;
    case 'sh':
      return `export ${name}="${value}"`;
    case 'dockerfile':
      return `ENV ${name}=${value}`;
    case 'md':
      return `export ${name}=${value}`;
  }
}

const HEADERS: Record<FileType, { head: string[]; tail: string[]; file: (n: number) => string; filler: string[] }> = {
  py: {
    head: ['"""Deployment settings for the billing service."""', 'import os', '', 'DEBUG = False', 'ALLOWED_HOSTS = ["billing.internal", "localhost"]', ''],
    tail: ['', 'LOGGING = {"version": 1, "disable_existing_loggers": False}'],
    file: (n) => `settings_prod_${n}.py`,
    filler: ['TIME_ZONE = "UTC"', 'CACHE_TTL_SECONDS = 300', '# integrations', 'USE_TZ = True', 'MAX_UPLOAD_MB = 25'],
  },
  js: {
    head: ["'use strict';", "const path = require('node:path');", ''],
    tail: ['', 'module.exports = { port: Number(process.env.PORT ?? 8080) };'],
    file: (n) => `server-config-${n}.js`,
    filler: ["const region = 'eu-west-1';", "const logLevel = 'info';", '// third-party clients', 'const retries = 3;'],
  },
  ts: {
    head: ["import type { AppConfig } from './types.js';", ''],
    tail: ['', 'export const timeoutMs = 15_000;'],
    file: (n) => `integrations-${n}.ts`,
    filler: ['export const retryLimit = 5;', '// wired into the worker at start-up', "export const queueName = 'jobs';"],
  },
  yaml: {
    head: ['# Helm values for the worker (prod)', 'replicaCount: 3', 'image:', '  repository: registry.internal/worker', '  tag: "2.14.1"', ''],
    tail: ['', 'resources:', '  limits:', '    memory: 512Mi'],
    file: (n) => `values-prod-${n}.yaml`,
    filler: ['log_level: info', 'region: eu-central-1', '# external services', 'feature_flags_enabled: true'],
  },
  json: {
    head: ['{', '  "name": "checkout-service",', '  "environment": "production",'],
    tail: ['  "port": 8443', '}'],
    file: (n) => `appsettings.production-${n}.json`,
    filler: ['  "region": "us-east-2",', '  "retries": 4,', '  "log_level": "warn",'],
  },
  toml: {
    head: ['# service configuration', '[service]', 'name = "ledger"', 'port = 9000', '', '[credentials]'],
    tail: ['', '[limits]', 'max_connections = 200'],
    file: (n) => `service-${n}.toml`,
    filler: ['timeout = 30', 'region = "ap-southeast-2"', '# integrations'],
  },
  ini: {
    head: ['; connector settings', '[default]', 'region = eu-west-3', 'output = json', '', '[integrations]'],
    tail: ['', '[logging]', 'level = INFO'],
    file: (n) => `connector-${n}.ini`,
    filler: ['timeout = 60', 'retries = 2', '; provider block'],
  },
  env: {
    head: ['# production environment for the api container', 'NODE_ENV=production', 'PORT=8080', ''],
    tail: ['', 'LOG_FORMAT=json'],
    file: (n) => `api-prod-${n}.env`,
    filler: ['FEATURE_NEW_CHECKOUT=true', 'WORKERS=4', '# vendors'],
  },
  sh: {
    head: ['#!/usr/bin/env bash', 'set -euo pipefail', '', '# Bootstrap credentials for the nightly export job'],
    tail: ['', 'exec python -m exporter --since "$(date -d yesterday +%F)"'],
    file: (n) => `nightly-export-${n}.sh`,
    filler: ['export EXPORT_BUCKET="exports-nightly"', 'echo "configuring clients"', 'export RETRY_COUNT=3'],
  },
  dockerfile: {
    head: ['FROM node:20-bookworm-slim AS runtime', 'WORKDIR /srv/app', 'COPY package*.json ./', 'RUN npm ci --omit=dev', ''],
    tail: ['', 'COPY . .', 'USER node', 'CMD ["node", "server.js"]'],
    file: (n) => `Dockerfile.service${n}`,
    filler: ['ENV NODE_ENV=production', 'EXPOSE 8080', '# runtime configuration'],
  },
  md: {
    head: ['# Incident runbook: restoring the reporting stack', '', 'Export the following before running the restore script:', '', '```bash'],
    tail: ['```', '', 'Then run `./restore.sh --all`.'],
    file: (n) => `runbook-restore-${n}.md`,
    filler: ['export RESTORE_TARGET=reporting', '# the next values come from the old vault export', 'export PARALLELISM=4'],
  },
};

/** Generic assignment positives: realistic files, each finding on its line. */
function genericPositives(r: Rng): { file: string; lines: string[]; labels: Array<[number, string]> }[] {
  const pw = () => fill(r, '{A:6}{P:3}{A:7}');
  const tok = () => fill(r, '{A:36}');
  const out: { file: string; lines: string[]; labels: Array<[number, string]> }[] = [];
  const add = (file: string, spec: Array<string | [string, string]>) => {
    const lines: string[] = [];
    const labels: Array<[number, string]> = [];
    for (const item of spec) {
      if (typeof item === 'string') lines.push(item);
      else {
        lines.push(item[0]);
        labels.push([lines.length, item[1]]);
      }
    }
    out.push({ file, lines, labels });
  };
  const Q = 'generic-secret-assignment';
  const U = 'generic-secret-unquoted';
  add('generic/django_local_settings.py', [
    'from .base import *  # noqa', '', 'DATABASES = {', '    "default": {', '        "ENGINE": "django.db.backends.postgresql",',
    '        "NAME": "crm",', '        "USER": "crm_app",', [`        "PASSWORD": "${pw()}",`, Q], '        "HOST": "db.internal",', '    }', '}', '',
    [`EMAIL_HOST_PASSWORD = '${pw()}'`, Q], [`STRIPE_WEBHOOK_SIGNING_SECRET = "${tok()}"`, Q],
    'client = ExportClient(', '    endpoint="https://exports.internal",', [`    api_key="${tok()}",`, Q], ')',
  ]);
  add('generic/mailer.js', [
    "const nodemailer = require('nodemailer');", '', 'const transport = nodemailer.createTransport({', "  host: 'smtp.mailprovider.net',", '  auth: {',
    "    user: 'alerts@acme.io',", [`    pass: '${pw()}',`, 'none'], [`    password: '${pw()}',`, Q], '  },', '});', '',
    [`const webhookSecret = "${tok()}";`, Q], [`config.apiToken = \`${tok()}\`;`, Q],
  ]);
  add('generic/client.ts', [
    "import { Client } from './client.js';", '', 'export const client = new Client({', "  baseUrl: 'https://partner.example-internal.net',",
    [`  accessKey: '${tok()}',`, Q], [`  clientSecret: "${tok()}",`, Q], '});', '', [`const privateKeyPassphrase = '${pw()}';`, Q],
  ]);
  add('generic/docker-compose.yml', [
    'services:', '  db:', '    image: postgres:16', '    environment:', [`      POSTGRES_PASSWORD: ${pw()}`, U], '      POSTGRES_DB: orders',
    '  cache:', '    image: redis:7', [`    command: ["redis-server", "--requirepass", "${pw()}"]`, 'none'], '  api:', '    build: .', '    environment:',
    [`      - JWT_SECRET=${tok()}`, U], [`      - ADMIN_PASSWORD=${pw()}`, U], '      - LOG_LEVEL=debug',
  ]);
  const k8sPw = pw();
  add('generic/k8s-secret.yaml', [
    'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: payments-credentials', '  namespace: payments', 'type: Opaque', 'stringData:',
    [`  db-password: ${pw()}`, U], [`  api-token: "${tok()}"`, Q], 'data:', [`  smtp-password: ${b64(k8sPw)}`, U], [`  signing-secret: ${b64(tok())}`, U],
    '  username: cGF5bWVudHM=',
  ]);
  add('generic/deploy-workflow.yml', [
    'name: deploy', 'on:', '  push:', '    branches: [main]', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', '    env:',
    '      REGISTRY: ghcr.io', [`      DEPLOY_TOKEN: ${tok()}`, U], '    steps:', '      - uses: actions/checkout@v4', '      - run: ./deploy.sh',
  ]);
  add('generic/appsettings.json', [
    '{', '  "Logging": { "LogLevel": { "Default": "Information" } },', '  "Jwt": {', [`    "Secret": "${tok()}",`, Q], '    "Issuer": "orders-api"', '  },',
    [`  "ConnectionStrings": { "Default": "Server=sql01.corp.internal;Database=Orders;User Id=orders_app;Password=${pw()};" },`, 'generic-connection-string-password'],
    [`  "ApiKey": "${tok()}"`, Q], '}',
  ]);
  add('generic/pyproject-secrets.toml', [
    '[tool.exporter]', 'bucket = "exports"', [`token = "${tok()}"`, Q], '', '[tool.exporter.db]', 'user = "exporter"', [`password = "${pw()}"`, Q],
  ]);
  add('generic/odbc.ini', ['[reporting]', 'Driver = PostgreSQL Unicode', 'Servername = reporting.internal', 'Port = 5432', 'Username = reporter', [`Password = ${pw()}`, U]]);
  add('generic/worker.cfg', ['[worker]', 'concurrency = 8', [`secret_key = ${tok()}`, U], '', '[upstream]', [`auth_token = ${tok()}`, U]]);
  add('generic/.env.production', ['APP_ENV=production', [`SESSION_SECRET=${tok()}`, U], [`DB_PASSWORD=${pw()}`, U], 'DB_HOST=db.internal', [`PARTNER_API_KEY=${tok()}`, U]]);
  add('generic/provision.sh', [
    '#!/bin/sh', 'set -e', [`export REGISTRY_PASSWORD=${pw()}`, U], [`MINIO_SECRET_KEY="${tok()}"`, Q],
    'docker login registry.internal -u deploy --password-stdin <<< "$REGISTRY_PASSWORD"',
  ]);
  add('generic/Dockerfile', ['FROM python:3.12-slim', [`ARG PIP_EXTRA_INDEX_TOKEN=${tok()}`, U], [`ENV CELERY_BROKER_PASSWORD=${pw()}`, U], 'COPY . /app', 'CMD ["gunicorn", "app:app"]']);
  add('generic/settings.xml', [
    '<settings>', '  <servers>', '    <server>', '      <id>internal-releases</id>', '      <username>deployer</username>',
    [`      <password>${pw()}</password>`, 'generic-secret-xml'], '    </server>', '  </servers>', '</settings>',
  ]);
  add('generic/ops-notes.md', ['# Notes from the migration', '', 'Temporary access while the SSO is down:', '', '```', [`export ADMIN_API_TOKEN=${tok()}`, U], '```']);
  // Drop the lines marked 'none' (documented as not detected by name: `pass`, CLI flag).
  for (const f of out) f.labels = f.labels.filter(([, id]) => id !== 'none');
  return out;
}

/** Negative files: nothing in them may be reported. */
function negatives(r: Rng): Record<string, string[]> {
  const sha256 = () => fill(r, '{h:64}');
  const uuid = () => fill(r, '{uuid}');
  const badGithub = () => {
    const body = fill(r, '{A:30}');
    return `ghp_${body}${base62((crc32(body) + 1) >>> 0, 6)}`;
  };
  const jwtNone = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url('{"sub":"42","role":"admin"}')}.`;
  const jwtNoneSig = `${b64url('{"alg":"none"}')}.${b64url('{"sub":"42"}')}.${fill(r, '{u:20}')}`;
  return {
    'settings_example.py': [
      '"""Settings template: copy to settings_local.py and fill in."""', 'import os', '',
      'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]', 'DATABASE_PASSWORD = os.getenv("DATABASE_PASSWORD")', 'EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")',
      'STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")', 'API_TOKEN = None', 'AWS_SECRET_ACCESS_KEY = config("AWS_SECRET_ACCESS_KEY")', 'PASSWORD_MIN_LENGTH = 12',
      'AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]', 'TOKEN_EXPIRY_SECONDS = 3600',
      'password = get_password_from_vault("db/primary")', 'token = generate_token(user, scope="read")', 'PRIVATE_KEY_PATH = "/etc/ssl/private/server.key"',
      'token_url = "https://oauth2.googleapis.com/token"', 'dsn = "postgres://%(user)s:%(password)s@%(host)s/app"',
    ],
    'docs-aws.md': [
      '# Configuring AWS credentials', '', 'Use the documentation sample values to check the file layout:', '', '```ini', '[default]',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '```', '',
      'For temporary credentials the key id starts with `ASIA`, long-term ones with `AKIA`.', '',
      '```bash', 'export AWS_ACCESS_KEY_ID=<your-access-key-id>', 'export AWS_SECRET_ACCESS_KEY=<your-secret-access-key>', '```',
    ],
    'docs-tokens.md': [
      '# Token formats we accept', '', '- GitHub: `ghp_` followed by 36 characters (e.g. `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`).',
      '- Slack bot tokens begin with `xoxb-`; store them as `SLACK_BOT_TOKEN=xoxb-your-token-here`.', '- Stripe: `sk_live_...` for live mode, `sk_test_...` for test mode.',
      '- OpenAI keys look like `sk-proj-...`; never paste them in issues.', '', 'Example JWT from the jwt.io debugger:', '',
      '```', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', '```',
      '', 'Stripe documentation sample key: `sk_test_4eC39HqLyjWDarjtT1zdp7dc`.',
    ],
    'placeholders.env': [
      '# Copy to .env and fill in', 'DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app', 'REDIS_URL=redis://localhost:6379/0',
      'SECRET_KEY=changeme', 'API_KEY=your_api_key_here', 'GITHUB_TOKEN=${GITHUB_TOKEN}', 'SLACK_TOKEN=$SLACK_TOKEN', 'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
      'JWT_SECRET=<generate-with-openssl-rand>', 'ADMIN_PASSWORD=********', 'SENTRY_AUTH_TOKEN=REDACTED', 'SMTP_PASSWORD=', 'AUTH_ENABLED=true', 'TOKEN_TTL=86400',
      'PASSWORD_RESET_URL=https://app.internal/reset', 'OAUTH_TOKEN_ENDPOINT=https://login.internal/oauth2/token',
    ],
    'helm-values.yaml': [
      'postgresql:', '  auth:', '    password: "{{ .Values.global.dbPassword }}"', '    existingSecret: postgres-credentials', 'api:',
      '  token: ${API_TOKEN}', '  secretName: api-token', '  tokenSecretKey: token', 'ingress:', '  annotations:', '    nginx.ingress.kubernetes.io/auth-secret: basic-auth',
      'serviceAccount:', '  automountServiceAccountToken: false', 'auth:', '  enabled: true', '  provider: oidc', `password_hash: ${sha256()}`,
    ],
    'workflow-ci.yml': [
      'name: ci', 'on: [push]', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    env:', '      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}',
      '      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}', '      DATABASE_URL: postgres://postgres:postgres@localhost:5432/test', '    steps:',
      '      - uses: actions/checkout@v4', '      - uses: actions/setup-node@v4', '        with:', "          node-version: '20'", '          registry-url: https://registry.npmjs.org',
      '      - run: npm ci', '      - run: npm publish', '        env:', '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
    ],
    'package-lock.json': [
      '{', '  "name": "checkout-service",', '  "lockfileVersion": 3,', '  "packages": {', '    "node_modules/jsonwebtoken": {', '      "version": "9.0.2",',
      '      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",',
      `      "integrity": "sha512-${b64(fill(r, '{A:48}'))}"`, '    },', '    "node_modules/passport-http-bearer": {', '      "version": "1.0.1",',
      `      "integrity": "sha512-${b64(fill(r, '{A:48}'))}"`, '    },', '    "node_modules/@auth/core": {', `      "integrity": "sha1-${b64(fill(r, '{A:15}'))}"`, '    }', '  }', '}',
    ],
    'yarn.lock': [
      '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.', '', 'secret-handshake@^1.1.0:', '  version "1.1.20"',
      `  resolved "https://registry.yarnpkg.com/secret-handshake/-/secret-handshake-1.1.20.tgz#${fill(r, '{h:40}')}"`, `  integrity sha512-${b64(fill(r, '{A:48}'))}`,
      '', 'token-types@^5.0.1:', '  version "5.0.1"', `  resolved "https://registry.yarnpkg.com/token-types/-/token-types-5.0.1.tgz#${fill(r, '{h:40}')}"`,
    ],
    'poetry.lock': [
      '[[package]]', 'name = "python-jose"', 'version = "3.3.0"', '', '[[package.files]]', 'file = "python_jose-3.3.0-py2.py3-none-any.whl"',
      `hash = "sha256:${sha256()}"`, '', '[metadata]', `content-hash = "${sha256()}"`,
    ],
    'go.sum': [
      `github.com/golang-jwt/jwt/v5 v5.2.1 h1:${b64(fill(r, '{A:24}'))}`, `github.com/golang-jwt/jwt/v5 v5.2.1/go.mod h1:${b64(fill(r, '{A:24}'))}`,
      `golang.org/x/oauth2 v0.21.0 h1:${b64(fill(r, '{A:24}'))}`,
    ],
    'Cargo.lock': ['[[package]]', 'name = "secrecy"', 'version = "0.8.0"', 'source = "registry+https://github.com/rust-lang/crates.io-index"', `checksum = "${sha256()}"`],
    'Pipfile.lock': ['{', '    "_meta": {', `        "hash": { "sha256": "${sha256()}" }`, '    },', '    "default": {', '        "pyjwt": {', `            "hashes": ["sha256:${sha256()}"],`, '            "version": "==2.8.0"', '        }', '    }', '}'],
    'ids-and-hashes.py': [
      `REQUEST_TOKEN_NAMESPACE = "${uuid()}"`, `TENANT_AUTH_ID = "${uuid()}"`, `CACHE_SECRET_DIGEST = "${sha256()}"`, `COMMIT_TOKEN_SHA = "${fill(r, '{h:40}')}"`,
      `password_md5 = "${fill(r, '{h:32}')}"`, `api_key_sha256 = "${sha256()}"`, `session_token = "${uuid()}"`, `token_created_at = "2026-03-01T10:00:00Z"`,
    ],
    'weak-patterns.js': [
      "const password = 'abcdefghijk';", "const pin_password = '12345678';", "const secret = 'aaaaaaaaaaaaaaaa';", "const token = 'xxxxxxxxxxxxxxxxxxxxxxxx';",
      "const apiKey = 'your-api-key';", "const dbPassword = 'correct-horse-battery-staple';", "const authSecret = 'my-super-secret-password';",
      "const sessionSecret = 'keyboard cat';", "const password2 = 'password123';", 'const token2 = process.env.API_TOKEN;', 'const secret2 = getSecret("stripe");',
      "const privateKey = fs.readFileSync('./keys/private.pem');", 'if (password === confirmPassword) submit();', "const tokenType = 'Bearer';",
      "const authHeader = 'Authorization';", "const credentialsProvider = 'aws-sdk';",
    ],
    'near-miss-tokens.py': [
      '# Identifiers that look like tokens but fail the format checks', `BUILD_REF = "${badGithub()}"`, `ARTIFACT_ID = "ghp_${fill(r, '{A:20}')}"`,
      `PUBLISHABLE = "pk_live_${fill(r, '{A:24}')}"`, `TRACE = "sk-${fill(r, '{A:10}')}"`, `ROUTE = "xoxb-${fill(r, '{d:4}')}"`, `UNSIGNED = "${jwtNone}"`,
      `NONE_ALG = "${jwtNoneSig}"`, `LOOKALIKE = "AKIA${fill(r, '{l:16}')}"`, `SHORT_DEPLOY = "glpat-${fill(r, '{A:8}')}"`, `NPM_LIKE = "npm_${fill(r, '{A:36}')}"`,
      `BOT_LIKE = "${b64url('notanumber12345678')}.${fill(r, '{u:6}')}.${fill(r, '{u:38}')}"`, `SG_LIKE = "SG.${fill(r, '{A:10}')}.${fill(r, '{A:10}')}"`,
      `HVS_SHORT = "hvs.${fill(r, '{A:12}')}"`, `COLOR = "#${fill(r, '{h:6}')}"`,
    ],
    'tests/test_payments.py': [
      'import pytest', '', '# Fake keys used by the unit tests only; never valid against Stripe.', `STRIPE_TEST_KEY = "sk_test_${fill(r, '{A:24}')}"  # test fixture`,
      `FAKE_GITHUB_TOKEN = "${checksummed(r, 'ghp_')}"  # fake token for tests`, '', 'def test_charge(client):', `    client.api_key = "sk_test_${fill(r, '{A:24}')}"`,
      '    assert client.charge(100).ok', '', 'def test_login(client):', '    assert client.login("alice", password="test-password-123")',
    ],
    'spec/fixtures/mock-credentials.json': [
      '{', `  "mock_token": "test_${fill(r, '{A:32}')}",`, `  "dummy_slack": "xoxb-${fill(r, '{d:12}')}-${fill(r, '{d:13}')}-${fill(r, '{A:24}')}",`, '  "fake_password": "test-Passw0rd!"', '}',
    ],
    'docker-compose.dev.yml': [
      'services:', '  db:', '    image: postgres:16', '    environment:', '      POSTGRES_PASSWORD: postgres', '      POSTGRES_USER: postgres', '  rabbit:',
      '    image: rabbitmq:3-management', '    environment:', '      RABBITMQ_DEFAULT_PASS: guest', '  app:', '    environment:',
      '      - DATABASE_URL=postgresql://postgres:postgres@db:5432/app', '      - BROKER_URL=amqp://guest:guest@rabbit:5672/', '      - SECRET_KEY=${SECRET_KEY:-dev}',
    ],
    'k8s-deployment.yaml': [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: api', 'spec:', '  template:', '    spec:', '      containers:', '        - name: api',
      '          env:', '            - name: DB_PASSWORD', '              valueFrom:', '                secretKeyRef:', '                  name: db-credentials',
      '                  key: password', '            - name: API_TOKEN', '              valueFrom:', '                secretKeyRef: { name: api, key: token }',
      '---', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: placeholder', 'data:', `  password: ${b64('changeme')}`, `  token: ${b64('replace-me')}`,
    ],
    'Dockerfile.build': [
      'FROM golang:1.22 AS build', 'ARG GITHUB_TOKEN', 'ARG NPM_TOKEN=""', 'ENV GOPRIVATE=github.com/acme/*', 'RUN --mount=type=secret,id=netrc cp /run/secrets/netrc ~/.netrc',
      'ENV PASSWORD_FILE=/run/secrets/db_password', 'RUN go build -o /out/app ./cmd/app',
    ],
    'deploy.sh': [
      '#!/usr/bin/env bash', 'set -euo pipefail', 'export VAULT_TOKEN="$(vault login -token-only -method=oidc)"', 'export DB_PASSWORD="${DB_PASSWORD:?missing}"',
      'TOKEN=$(gh auth token)', 'curl -H "Authorization: Bearer ${TOKEN}" https://api.github.com/user', 'read -rsp "Password: " PASSWORD',
      'aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"',
    ],
    'config.toml': ['[database]', 'host = "localhost"', 'password = ""', 'password_env = "DB_PASSWORD"', '', '[auth]', 'token_file = "/var/run/secrets/token"', 'secret = "{{ secret }}"'],
    'legacy.ini': ['[smtp]', 'server = smtp.internal', 'password = %(SMTP_PASSWORD)s', '', '[api]', 'token = ${API_TOKEN}', 'auth = basic', 'credentials_file = ~/.config/app/credentials.json'],
    'private-key-docs.md': [
      '# Generating a deploy key', '', '```', '-----BEGIN OPENSSH PRIVATE KEY-----', '...', '-----END OPENSSH PRIVATE KEY-----', '```', '',
      'Your PEM file will look like:', '', '```', '-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEA... (truncated)', '-----END RSA PRIVATE KEY-----', '```',
      '', 'Public keys are fine to share:', '', '```', '-----BEGIN PUBLIC KEY-----', ...pemBody(r, 270), '-----END PUBLIC KEY-----', '```',
    ],
    'connection-urls.ts': [
      "export const local = 'postgres://localhost:5432/app';", "export const docs = 'mysql://user:password@example.com:3306/db';",
      "export const tmpl = `redis://:${process.env.REDIS_PASSWORD}@cache:6379`;", "export const mongo = 'mongodb+srv://<username>:<password>@cluster0.mongodb.net/';",
      "export const proxy = 'http://proxy.internal:3128';", "export const upstream = 'https://api.partner.net/v2/orders?page=2';",
      "export const sample = 'https://user:pass@example.com/path';", "export const amqp = 'amqp://guest:guest@localhost:5672';",
    ],
    'AppSettings.Development.json': [
      '{', '  "ConnectionStrings": {', '    "Default": "Server=(localdb)\\\\mssqllocaldb;Database=App;Trusted_Connection=True;"', '  },', '  "Jwt": { "Secret": "" },',
      '  "Auth": { "Authority": "https://login.microsoftonline.com/common" },', '  "ApiKeyHeaderName": "X-Api-Key"', '}',
    ],
    'terraform.tfvars': ['region = "eu-west-1"', 'db_password = var.db_password', 'api_token = data.vault_generic_secret.api.data["token"]', 'instance_type = "t3.medium"'],
    'crypto_utils.py': [
      'import hashlib', '', 'def hash_password(password: str, salt: bytes) -> str:', '    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000).hex()', '',
      'def verify_token(token: str) -> bool:', '    return hmac.compare_digest(token, expected_token)', '', 'SECRET_KEY_LENGTH = 64',
      `EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"`,
    ],
    'pnpm-lock.yaml': [
      "lockfileVersion: '9.0'", 'packages:', '  jose@5.9.6:', `    resolution: {integrity: sha512-${b64(fill(r, '{A:48}'))}}`, '  passport-jwt@4.0.1:',
      `    resolution: {integrity: sha512-${b64(fill(r, '{A:48}'))}}`,
    ],
    'composer.lock': ['{', '    "packages": [', '        {', '            "name": "firebase/php-jwt",', `            "dist": { "type": "zip", "shasum": "${fill(r, '{h:40}')}" }`, '        }', '    ],', `    "content-hash": "${fill(r, '{h:32}')}"`, '}'],
    'Gemfile.lock': ['GEM', '  remote: https://rubygems.org/', '  specs:', '    jwt (2.9.3)', '    omniauth-oauth2 (1.8.0)', '', 'CHECKSUMS', `  jwt (2.9.3) sha256=${sha256()}`],
    'openapi.yaml': [
      'openapi: 3.1.0', 'components:', '  securitySchemes:', '    ApiKeyAuth:', '      type: apiKey', '      in: header', '      name: X-API-Key', '    BearerAuth:',
      '      type: http', '      scheme: bearer', '      bearerFormat: JWT', 'paths:', '  /token:', '    post:', '      summary: Exchange a refresh token for an access token',
      '      security:', '        - BearerAuth: []',
    ],
    'i18n/en.json': [
      '{', '  "password": "Password",', '  "forgot_password": "Forgot your password?",', '  "token_expired": "Your session has expired",',
      '  "api_key_label": "API key",', '  "secret_hint": "Keep this secret safe",', '  "auth_failed": "Authentication failed"', '}',
    ],
    'tests/auth.test.ts': [
      "import { describe, it, expect } from 'vitest';", '', '// test token signed with the fixture key below',
      `const token = '${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"test-user","iat":1700000000}')}.${fill(r, '{u:43}')}'; // test`,
      "const secret = 'test-signing-secret-for-unit-tests';", '', "describe('auth', () => {", "  it('accepts the fixture token', () => expect(verify(token, secret)).toBe(true));", '});',
    ],
    'group_vars/all/vault.yml': [
      'db_password: !vault |', '  $ANSIBLE_VAULT;1.1;AES256', ...Array.from({ length: 5 }, () => `  ${fill(r, '{d:64}')}`), 'api_token: "{{ vault_api_token }}"',
    ],
    'secrets.enc.yaml': [
      `password: ENC[AES256_GCM,data:${b64(fill(r, '{A:12}'))},iv:${b64(fill(r, '{A:24}'))},tag:${b64(fill(r, '{A:12}'))},type:str]`,
      `api_token: ENC[AES256_GCM,data:${b64(fill(r, '{A:30}'))},iv:${b64(fill(r, '{A:24}'))},tag:${b64(fill(r, '{A:12}'))},type:str]`, 'sops:',
      '    kms: []', `    lastmodified: "2026-10-01T12:00:00Z"`, `    mac: ENC[AES256_GCM,data:${b64(fill(r, '{A:48}'))},type:str]`,
    ],
    '.env.example': ['DATABASE_URL=postgres://app:app@localhost:5432/app', 'SECRET_KEY=generate-a-long-random-string', 'STRIPE_SECRET_KEY=', 'SENTRY_DSN=', 'OPENAI_API_KEY=sk-...'],
    'correlation-ids.json': ['{', `  "request_token": "${uuid()}",`, `  "idempotency_token": "${uuid()}",`, `  "trace_secret_id": "${uuid()}",`, `  "csrf_token_id": "${uuid()}"`, '}'],
    'SHA256SUMS.txt': Array.from({ length: 6 }, (_v, i) => `${sha256()}  hush-scan-linux-${['x64', 'arm64', 'armv7', 's390x', 'ppc64le', 'riscv64'][i]}.tar.gz`),
    'public-material.md': [
      '# Public keys and certificates (safe to commit)', '', '```', '-----BEGIN CERTIFICATE-----', ...pemBody(r, 600), '-----END CERTIFICATE-----', '```', '',
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${fill(r, '{b:43}')} deploy@ci`, '', 'Publishable keys are public by design:', '',
      `- Stripe: pk_live_${fill(r, '{A:24}')}`, `- PostHog: phc_${fill(r, '{A:43}')}`, `- Mapbox: pk.${b64url('{"u":"acme","a":"clxyz"}')}.${fill(r, '{u:22}')}`,
    ],
    'api-usage.md': [
      '# Calling the API', '', '```bash', 'curl -H "Authorization: Bearer $API_TOKEN" https://api.internal/v1/orders', 'curl -u "$API_USER:$API_PASSWORD" https://api.internal/v1/health',
      'http --auth-type=bearer --auth="$TOKEN" GET https://api.internal/v1/me', '```', '', 'Rotate the `secret` every 90 days; the `password` policy requires 14 characters.',
    ],
    'nginx.conf': ['server {', '    listen 443 ssl;', '    ssl_certificate_key /etc/nginx/tls/server.key;', '    auth_basic "Restricted";', '    auth_basic_user_file /etc/nginx/.htpasswd;', '    proxy_set_header Authorization $http_authorization;', '}'],
    'near-miss-2.ts': [
      `export const mapsLike = 'AIza${fill(r, '{A:20}')}';`, `export const userLike = 'xoxp-${fill(r, '{d:6}')}-abc';`, "export const liveDocs = 'sk_live_...';",
      `export const gitlabLike = 'glpat_${fill(r, '{A:20}')}';`, `export const anthropicLike = 'sk-ant-api01-${fill(r, '{A:20}')}';`,
      `export const shopifyLike = 'shpat_${fill(r, '{A:12}')}';`, `export const doLike = 'dop_v2_${fill(r, '{h:64}')}';`,
      `export const telegramLike = '${fill(r, '{d:10}')}:BB${fill(r, '{u:33}')}';`, `export const hfLike = 'hf_${fill(r, '{d:34}')}';`,
      `export const sidNoContext = 'SK${fill(r, '{h:32}')}';`, `export const sasNoContext = 'sig=${fill(r, '{b:43}')}';`,
    ],
    'library-docs.md': [
      '# Client library notes', '', 'Connection strings:', '', '```js', "const client = new Client('postgres://someuser:somepassword@somehost:381/somedatabase');",
      "axios.get('https://user:p%40ss%3Aword@internal.test/');", '```', '', 'Telegram bots: pass the token from BotFather, e.g. `123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11`.', '',
      "```ts", "const options = { withCredentials: true, authType: 'TSPrivateKeyword' };", "const redactPaths = { secret: 'secret-2-levels' };", "const oid = { challengePassword: '1.2.840.113549.1.9.7' };", '```',
    ],
    'README.md': [
      '# acme-cli', '', 'Authenticate with `acme login --token <TOKEN>` or set `ACME_TOKEN`.', '', '```bash', 'export ACME_TOKEN=...', 'acme deploy --password-stdin < ~/.acme/password',
      '```', '', 'The `auth` section of the config accepts `token`, `password` or `client_secret`.',
    ],
  };
}

export function generate(dir: string = CORPUS_DIR): { labels: Label[]; positives: number; negatives: number } {
  const r = seeded(SEED);
  rmSync(join(dir, 'positive'), { recursive: true, force: true });
  rmSync(join(dir, 'negative'), { recursive: true, force: true });
  const buckets = new Map<FileType, Entry[]>();
  let rot = 0;
  for (const sample of SAMPLES) {
    const types = sample.types ?? [ROTATION[rot % ROTATION.length]!, ROTATION[(rot + 5) % ROTATION.length]!];
    rot++;
    for (const type of types) {
      const value = sample.value(r);
      const entry: Entry = sample.raw
        ? { ...sample.raw(value, type), ruleId: sample.ruleId }
        : { lines: [formatEntry(type, sample.name, value)], at: 0, ruleId: sample.ruleId };
      const list = buckets.get(type) ?? [];
      list.push(entry);
      buckets.set(type, list);
    }
  }
  const labels: Label[] = [];
  const write = (rel: string, lines: string[]) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`);
  };
  let positives = 0;
  for (const [type, entries] of buckets) {
    const spec = HEADERS[type];
    for (let i = 0, n = 1; i < entries.length; i += 30, n++) {
      const rel = `positive/${spec.file(n)}`;
      const lines = [...spec.head];
      entries.slice(i, i + 30).forEach((e, k) => {
        lines.push(spec.filler[k % spec.filler.length]!);
        labels.push({ file: rel, line: lines.length + e.at + 1, ruleId: e.ruleId });
        lines.push(...e.lines);
      });
      lines.push(...spec.tail);
      write(rel, lines);
      positives++;
    }
  }
  for (const g of genericPositives(r)) {
    const rel = `positive/${g.file}`;
    write(rel, g.lines);
    for (const [line, ruleId] of g.labels) labels.push({ file: rel, line, ruleId });
    positives++;
  }
  // Key files of their own.
  const own: Array<[string, string, string]> = [
    ['positive/keys/server.key', 'RSA PRIVATE KEY', 'private-key-pem'],
    ['positive/keys/id_ed25519', 'OPENSSH PRIVATE KEY', 'private-key-openssh'],
    ['positive/keys/client-pkcs8.pem', 'PRIVATE KEY', 'private-key-pem'],
  ];
  for (const [rel, kind, ruleId] of own) {
    write(rel, [`-----BEGIN ${kind}-----`, ...pemBody(r, 400), `-----END ${kind}-----`]);
    labels.push({ file: rel, line: 1, ruleId });
    positives++;
  }
  let negativeCount = 0;
  for (const [rel, lines] of Object.entries(negatives(r))) {
    write(`negative/${rel}`, lines);
    negativeCount++;
  }
  labels.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
  writeFileSync(join(dir, 'labels.json'), `${JSON.stringify({ seed: SEED, labels }, null, 1)}\n`);
  return { labels, positives, negatives: negativeCount };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = generate();
  console.log(`wrote ${result.positives} positive files, ${result.negatives} negative files, ${result.labels.length} labels`);
}
