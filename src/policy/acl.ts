/**
 * @module The ACL of a token: its policies compiled for fast permission checks, with Vault's
 * semantics. Rules of the same pattern from all policies are merged (capabilities unioned, `deny`
 * replacing everything); an exact pattern beats every glob; among globs and `+` patterns the
 * documented priority order of `glob-pattern.ts` picks ONE rule, whose capabilities alone decide.
 * The `root` policy allows everything. Exact rules live in a Map, globs in a segment trie
 * (`glob-index.ts`), so a check costs about a microsecond however many policies a token has.
 */
import type { Operation } from '../core/request.js';
import { ROOT_POLICY_NAME } from './builtin-policies.js';
import { createGlobIndex } from './glob-index.js';
import { checkParameters } from './parameter-check.js';
import { mergeRules } from './path-rule.js';
import type { PathRule, Policy } from './policy.js';

/** What {@link Acl.allowOperation} decides. */
export interface AclResult {
  readonly allowed: boolean;
  /** The matching rule grants `sudo` (always true for root), whatever the operation. */
  readonly sudo: boolean;
  /** Capabilities of the matching rule, sorted; `["root"]` for root, `["deny"]` when none. */
  readonly capabilities: readonly string[];
  /** Why the request was refused; absent when allowed. Never shown to clients verbatim. */
  readonly reason?: string;
  /** The pattern of the rule that decided, when one matched. */
  readonly matchedPath?: string;
}

export interface AllowOptions {
  /** Requested response-wrapping TTL in seconds, checked against min/max_wrapping_ttl. */
  readonly wrapTtlSeconds?: number;
}

/** `sudo-check` asks only whether the path's rule grants `sudo`. */
export type AclOperation = Operation | 'sudo-check';

export interface Acl {
  /** True when the ACL holds the root policy. */
  readonly isRoot: boolean;
  /** Names of the policies it was built from. */
  readonly policyNames: readonly string[];
  /**
   * Decides one request. `path` is the request path after `/v1/` (a leading `/` is ignored).
   * For `list`, a trailing `/` is implied and rules written with or without it both apply.
   * Parameter constraints are checked against `data` for create, update and patch.
   */
  allowOperation(path: string, operation: AclOperation, data?: Readonly<Record<string, unknown>>, options?: AllowOptions): AclResult;
  /** Capabilities on a path as `sys/capabilities-self` reports them (sorted). */
  capabilities(path: string): string[];
  /** The compiled, merged rules (exact first, then globs by priority), e.g. for resultant-acl. */
  rules(): readonly PathRule[];
}

export interface AclOptions {
  /**
   * Values for `{{…}}` templates in patterns, keyed by the name inside the braces
   * (`identity.entity.id`, `identity.entity.name`, `identity.entity.metadata.team` …).
   * A rule whose template has no value is skipped, as Vault does.
   */
  readonly templateValues?: Readonly<Record<string, string>>;
}

/** A merged rule with what every check needs precomputed. */
interface CompiledRule {
  readonly rule: PathRule;
  readonly capabilities: readonly string[];
  readonly deny: boolean;
  readonly sudo: boolean;
  readonly checksWrapping: boolean;
}

function compileRule(rule: PathRule): CompiledRule {
  return {
    rule,
    capabilities: Object.freeze([...rule.capabilities].sort()),
    deny: rule.capabilities.has('deny'),
    sudo: rule.capabilities.has('sudo') && !rule.capabilities.has('deny'),
    checksWrapping: rule.minWrappingTtl > 0 || rule.maxWrappingTtl > 0,
  };
}

function refused(c: CompiledRule, reason: string): AclResult {
  return { allowed: false, sudo: c.sudo, capabilities: c.capabilities, reason, matchedPath: c.rule.path };
}

/** Why a rule refuses the request, or `undefined` when it allows it. */
function refusal(c: CompiledRule, operation: AclOperation, data: Readonly<Record<string, unknown>>, opts: AllowOptions): string | undefined {
  const rule = c.rule;
  if (c.deny) return `denied by the rule for "${rule.path}"`;
  if (operation === 'sudo-check') return c.sudo ? undefined : `the rule for "${rule.path}" does not grant sudo`;
  if (!rule.capabilities.has(operation)) return `the rule for "${rule.path}" does not grant "${operation}"`;
  if (c.checksWrapping) {
    const ttl = opts.wrapTtlSeconds ?? 0;
    if (ttl <= 0) return 'the rule requires response wrapping';
    if (rule.minWrappingTtl > 0 && ttl < rule.minWrappingTtl) return 'the wrapping TTL is below min_wrapping_ttl';
    if (rule.maxWrappingTtl > 0 && ttl > rule.maxWrappingTtl) return 'the wrapping TTL is above max_wrapping_ttl';
  }
  if (PARAMETER_OPERATIONS.has(operation)) return checkParameters(rule, data);
  return undefined;
}

const DENIED_ALL: AclResult = Object.freeze({
  allowed: false,
  sudo: false,
  capabilities: Object.freeze(['deny']),
  reason: 'no policy grants access to this path',
});

const ROOT_RESULT: AclResult = Object.freeze({ allowed: true, sudo: true, capabilities: Object.freeze(['root']) });

const PARAMETER_OPERATIONS: ReadonlySet<AclOperation> = new Set(['create', 'update', 'patch']);

/** A value that would turn into a wildcard once substituted is never used. */
const isLiteralValue = (v: string): boolean => !v.includes('*') && !v.split('/').includes('+');

/**
 * Replaces `{{name}}` placeholders; `null` when one has no value (or a value holding `*` or a
 * `+` segment, which would widen the pattern), so that the rule is skipped.
 */
export function resolveTemplates(path: string, values: Readonly<Record<string, string>>): string | null {
  let missing = false;
  const out = path.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_m, key: string) => {
    const v = Object.hasOwn(values, key) ? values[key] : undefined;
    if (v === undefined || v === '' || !isLiteralValue(v)) missing = true;
    return v ?? '';
  });
  return missing ? null : out;
}

/** Builds the ACL of a set of policies (unknown or empty policies simply grant nothing). */
export function createAcl(policies: readonly Policy[], options: AclOptions = {}): Acl {
  const policyNames = policies.map((p) => p.name);
  const isRoot = policyNames.includes(ROOT_POLICY_NAME);
  const merged = new Map<string, PathRule>();
  if (!isRoot) {
    for (const policy of policies) {
      for (const raw of policy.rules) {
        let rule = raw;
        if (raw.isTemplated) {
          const path = resolveTemplates(raw.path, options.templateValues ?? {});
          if (path === null) continue;
          rule = { ...raw, path };
        }
        const existing = merged.get(rule.path);
        merged.set(rule.path, existing ? mergeRules(existing, rule) : rule);
      }
    }
  }
  const exact = new Map<string, CompiledRule>();
  const globRules: [string, CompiledRule][] = [];
  for (const rule of merged.values()) {
    const compiled = compileRule(rule);
    if (rule.isPrefix || rule.hasSegmentWildcard) globRules.push([rule.path, compiled]);
    else exact.set(rule.path, compiled);
  }
  const globs = createGlobIndex(globRules);

  const find = (path: string, isList: boolean): CompiledRule | undefined => {
    if (!isList) return exact.get(path) ?? globs.find(path);
    // Vault: a LIST path ends in "/"; rules written with or without the slash both apply.
    const withSlash = path.endsWith('/') ? path : `${path}/`;
    const bare = withSlash.slice(0, -1);
    return exact.get(withSlash) ?? exact.get(bare) ?? globs.find(withSlash) ?? globs.find(bare);
  };

  const ordered: readonly PathRule[] = [...exact.values(), ...globs.values()].map((c) => c.rule);
  return {
    isRoot,
    policyNames,
    allowOperation(rawPath, operation, data = {}, opts = {}) {
      if (isRoot) return ROOT_RESULT;
      const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
      const c = find(path, operation === 'list');
      if (!c) return DENIED_ALL;
      const reason = refusal(c, operation, data, opts);
      if (reason !== undefined) return refused(c, reason);
      return { allowed: true, sudo: c.sudo, capabilities: c.capabilities, matchedPath: c.rule.path };
    },
    capabilities(rawPath) {
      if (isRoot) return ['root'];
      const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
      const c = find(path, false);
      if (!c || c.capabilities.length === 0) return ['deny'];
      return [...c.capabilities];
    },
    rules: () => ordered,
  };
}
