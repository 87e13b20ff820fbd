/**
 * @module The secrets as one flat mapping of name to string, in JSON or YAML. YAML is written
 * for YAML 1.1 readers too (PyYAML, Ruby): strings such as `yes`, `on`, `1.10` or `null` are
 * quoted so that no reader turns them into booleans, numbers or nulls.
 */
import { stringify } from 'yaml';

function asObject(secrets: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of secrets) out[k] = v;
  return out;
}

export function renderJson(secrets: ReadonlyMap<string, string>): string {
  return `${JSON.stringify(asObject(secrets), null, 2)}\n`;
}

export function renderYaml(secrets: ReadonlyMap<string, string>): string {
  if (secrets.size === 0) return '{}\n';
  return stringify(asObject(secrets), { version: '1.1', lineWidth: 0 });
}
