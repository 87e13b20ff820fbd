/**
 * @module `hush server`: runs the server from a configuration file, or in dev mode (`--dev`:
 * persistent SQLite data directory, initialised and unsealed automatically; `--dev-inmem`:
 * nothing kept). Accepts the `vault server -dev` flags that scripts already use.
 */
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import type { ServerConfig } from '../config/server-config.js';
import { ensurePrivateDir } from '../lib/secret-file.js';
import { HushError } from '../lib/errors.js';
import type { Core } from '../core/core.js';

interface ServerFlags {
  dev?: boolean;
  devInmem?: boolean;
  devTls?: boolean;
  devRootTokenId?: string;
  devListenAddress?: string;
  dataDir?: string;
  config?: string;
}

export function createServerCommand(): Command {
  return new Command('server')
    .description('Run the Hush server')
    .option('--dev', 'development mode: local SQLite data directory, initialised and unsealed automatically')
    .option('--dev-inmem', 'development mode keeping everything in memory')
    .option('--dev-tls', 'development mode over TLS with a generated CA and certificate')
    .option('--dev-root-token-id <id>', 'use this root token in development mode')
    .option('--dev-listen-address <host:port>', 'address to listen on in development mode', '127.0.0.1:8200')
    .option('--data-dir <dir>', 'development data directory', process.env.HUSH_DATA_DIR ?? '.hush-data')
    .option('--config <file>', 'server configuration file (HCL or JSON)')
    .action(async (flags: ServerFlags) => {
      await runServer(flags);
    });
}

async function runServer(flags: ServerFlags): Promise<void> {
  // Loaded here, not at the top: every other command (kv get, status…) starts without the
  // server's modules (fastify, SQLite, engines), which keeps them fast.
  const { buildCore, openBackend, serve } = await import('../main.js');
  const { setUpDevServer } = await import('../dev-setup.js');
  const dev = Boolean(flags.dev || flags.devInmem || flags.devTls);
  if (!dev && !flags.config) {
    throw new HushError('bad_request', 'hush server needs --config FILE, or --dev for a local development server');
  }
  if (dev && flags.config) throw new HushError('bad_request', 'use either --dev or --config, not both');

  if (!dev) {
    const { loadConfigFile } = await import('../config/server-config.js');
    const config = loadConfigFile(flags.config!);
    const backend = await openBackend(config);
    const core = buildCore(config, backend);
    const server = await serve(config, core, backend);
    reopenAuditOnHup(core);
    const sealed = (await core.barrier.isInitialized()) ? 'sealed: unseal with hush operator unseal' : 'not initialised: run hush operator init';
    const standby = core.highAvailability?.isActive() === false ? '; standby: another server is active' : '';
    console.log(`Hush server listening on ${server.address} (${sealed}${standby})`);
    await runUntilSignal(server.close);
    return;
  }

  const { parseListenAddress } = await import('../config/listen-address.js');
  const dataDir = flags.devInmem ? undefined : resolve(flags.dataDir ?? '.hush-data');
  if (dataDir) ensurePrivateDir(dataDir);
  let tls: ServerConfig['tls'];
  let caFile: string | undefined;
  if (flags.devTls) {
    // Only here: the certificate library (and reflect-metadata) would cost every server memory.
    const { createDevTls } = await import('../http/dev-tls.js');
    const files = await createDevTls(dataDir ?? join(process.cwd(), '.hush-data', 'tls-inmem'));
    tls = { certFile: files.certFile, keyFile: files.keyFile };
    caFile = files.caFile;
  }
  const config: ServerConfig = Object.freeze({
    storage: dataDir ? { type: 'sqlite' as const, path: join(dataDir, 'hush.db') } : { type: 'memory' as const },
    listen: parseListenAddress(flags.devListenAddress ?? '127.0.0.1:8200'),
    tls,
    maxRequestBytes: 32 * 1024 * 1024,
    clusterName: 'hush-dev',
  });
  const backend = await openBackend(config);
  const core = buildCore(config, backend, { devMounts: true });
  const rootToken = await setUpDevServer(core, { dataDir, rootTokenId: flags.devRootTokenId });
  const server = await serve(config, core, backend);
  reopenAuditOnHup(core);
  printDevBanner({ address: server.address, rootToken, dataDir, caFile });
  await runUntilSignal(server.close);
}

function printDevBanner(info: { address: string; rootToken: string; dataDir?: string; caFile?: string }): void {
  const hush = process.env.npm_lifecycle_event === 'start' ? 'npx hush' : 'hush';
  const lines = [
    'Hush dev server is running. Do not use dev mode in production: the unseal share is kept beside the data.',
    '',
    `    Address:     ${info.address}`,
    `    Root token:  ${info.rootToken}`,
    `    Storage:     ${info.dataDir ? `sqlite in ${info.dataDir} (kept across restarts)` : 'memory (nothing is kept)'}`,
  ];
  if (info.caFile) lines.push(`    CA cert:     ${info.caFile}`);
  lines.push(
    '',
    'Try it:',
    `    export HUSH_ADDR=${info.address} HUSH_TOKEN=${info.rootToken}${info.caFile ? ` HUSH_CACERT=${info.caFile}` : ''}`,
    `    ${hush} kv put secret/myapp/production DB_PASSWORD=s3cr3t`,
    `    python3 -c "import hvac; c = hvac.Client(url='${info.address}', token='${info.rootToken}'${info.caFile ? `, verify='${info.caFile}'` : ''}); print(c.secrets.kv.v2.read_secret_version(path='myapp/production')['data']['data'])"`,
    '',
  );
  console.log(lines.join('\n'));
}

/** Resolves on the first SIGINT or SIGTERM, so the command can close the server and return. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** SIGHUP reopens audit log files (after logrotate moved them), as Vault does. */
function reopenAuditOnHup(core: Core): void {
  process.on('SIGHUP', () => {
    if (core.barrier.isSealed()) return;
    core.audit().reopen().catch((err: unknown) => {
      console.error(`reopening audit devices failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
}

async function runUntilSignal(close: () => Promise<void>): Promise<void> {
  const signal = await untilSignal();
  console.error(`${signal} received, shutting down`);
  await close();
}
