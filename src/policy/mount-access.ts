/**
 * @module Whether an ACL grants anything below a mount: Vault answers the `vault kv` pre-flight
 * (`sys/internal/ui/mounts/<path>`) only for tokens with some access under the mount, so that a
 * token cannot map the mount table it has no business with.
 */
import type { Acl } from './acl.js';
import type { PathRule } from './policy.js';

/** True when some rule of `acl` that grants a capability (not only `deny`) can match a path
 * under `mountPath` (`secret/`, `team/kv/`). */
export function hasAccessBelow(acl: Acl, mountPath: string): boolean {
  if (acl.isRoot) return true;
  const mountSegments = mountPath.replace(/\/+$/, '').split('/');
  return acl.rules().some((rule) => grantsSomething(rule) && couldMatchBelow(rule, mountSegments));
}

function grantsSomething(rule: PathRule): boolean {
  for (const capability of rule.capabilities) if (capability !== 'deny') return true;
  return false;
}

/** Compares the rule's pattern with the mount's segments: `+` matches any one segment, and a
 * trailing `*` matches the rest of its segment and everything after. */
function couldMatchBelow(rule: PathRule, mountSegments: readonly string[]): boolean {
  const base = rule.isPrefix ? rule.path.slice(0, -1) : rule.path;
  const segments = base.split('/');
  for (let i = 0; i < mountSegments.length; i++) {
    const pattern = segments[i];
    if (pattern === undefined) return false;
    const mount = mountSegments[i] as string;
    const last = i === segments.length - 1;
    if (last && rule.isPrefix) return mount.startsWith(pattern === '+' ? '' : pattern);
    if (pattern !== '+' && pattern !== mount) return false;
  }
  return true;
}
