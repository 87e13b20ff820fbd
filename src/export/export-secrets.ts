/**
 * @module Writes collected secrets in one of the export formats: text formats go to stdout or,
 * with an output file, to a 0600 file replaced atomically; `docker-secrets` fills a directory;
 * `github-env` appends to `$GITHUB_ENV` (or the output file) after printing its masks.
 */
import { HushError } from '../lib/errors.js';
import { writeDockerSecrets } from './docker-secrets.js';
import { renderDotenv } from './dotenv-format.js';
import { renderGithubEnv } from './github-env-format.js';
import { renderK8sSecret } from './k8s-secret-format.js';
import { appendPrivateFile, writePrivateFile } from './private-file.js';
import { renderShell } from './shell-format.js';
import { renderJson, renderYaml } from './structured-formats.js';

export const EXPORT_FORMATS = ['dotenv', 'json', 'yaml', 'shell', 'k8s', 'docker-secrets', 'github-env'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export interface ExportTarget {
  readonly format: ExportFormat;
  /** A file (a directory for docker-secrets); stdout when absent. */
  readonly output?: string;
  /** Kubernetes Secret name and namespace (k8s only). */
  readonly name: string;
  readonly namespace?: string;
}

export interface ExportIo {
  readonly stdout: (text: string) => void;
  /** `$GITHUB_ENV`, for github-env without an output file. */
  readonly githubEnv?: string;
}

/** Renders a text format; every check (names, values) happens before anything is written. */
function render(secrets: ReadonlyMap<string, string>, target: ExportTarget): string {
  switch (target.format) {
    case 'dotenv':
      return renderDotenv(secrets);
    case 'shell':
      return renderShell(secrets);
    case 'json':
      return renderJson(secrets);
    case 'yaml':
      return renderYaml(secrets);
    case 'k8s':
      return renderK8sSecret(secrets, { name: target.name, namespace: target.namespace });
    default:
      throw new HushError('internal', `${target.format} is not a text format`);
  }
}

/** Fails early (before any secret is fetched) when the target lacks what its format needs. */
export function checkExportTarget(target: ExportTarget, io: Pick<ExportIo, 'githubEnv'>): void {
  if (target.format === 'docker-secrets' && target.output === undefined) {
    throw new HushError('bad_request', '--format docker-secrets needs --output DIR: the directory to write one file per secret into');
  }
  if (target.format === 'github-env' && !(target.output ?? io.githubEnv)) {
    throw new HushError('bad_request', '--format github-env needs $GITHUB_ENV (set in GitHub Actions) or --output FILE');
  }
  if (target.format === 'k8s') renderK8sSecret(new Map(), target);
}

/** Writes `secrets` as `target` says; returns a one-line summary for stderr, or `undefined`. */
export function exportSecrets(secrets: ReadonlyMap<string, string>, target: ExportTarget, io: ExportIo): string | undefined {
  checkExportTarget(target, io);
  const count = `${secrets.size} secret${secrets.size === 1 ? '' : 's'}`;
  const file = target.format === 'github-env' ? (target.output ?? io.githubEnv) : target.output;
  if (target.format === 'docker-secrets' && file !== undefined) {
    writeDockerSecrets(file, secrets);
    return `Wrote ${count} to ${file}/`;
  }
  if (target.format === 'github-env' && file !== undefined) {
    const { block, masks } = renderGithubEnv(secrets);
    // masks first: the runner must know a value before anything can print it
    io.stdout(masks);
    appendPrivateFile(file, block);
    return `Added ${count} to ${file}`;
  }
  const text = render(secrets, target);
  if (file === undefined) {
    io.stdout(text);
    return undefined;
  }
  writePrivateFile(file, text);
  return `Wrote ${count} to ${file}`;
}
