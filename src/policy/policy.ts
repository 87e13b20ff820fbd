/**
 * @module The parsed form of a Vault ACL policy: a name and its path rules. Produced by
 * `policy-parser.ts`, consumed by `acl.ts`; plain readonly data, safe to cache and share.
 */

/** Every capability a policy may grant. `subscribe` and `recover` are accepted for Vault
 * compatibility; `deny` on a rule overrides everything else on it. */
export const CAPABILITIES = [
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
  'subscribe',
  'recover',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** A value a parameter constraint lists: what the policy author wrote, converted to JSON data. */
export type ParameterValue =
  | string
  | number
  | boolean
  | null
  | readonly ParameterValue[]
  | { readonly [key: string]: ParameterValue };

/**
 * Parameter name (lower-cased) → the values allowed (or denied). An empty list means "any
 * value"; the key `*` stands for every parameter.
 */
export type ParameterConstraints = ReadonlyMap<string, readonly ParameterValue[]>;

/** One `path "…" { … }` rule, after merging every block of the same pattern in one policy. */
export interface PathRule {
  /** The pattern as written, without a leading `/` (e.g. `secret/+/config`, `secret/*`). */
  readonly path: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** `null` when the rule sets no `allowed_parameters` (every parameter is allowed). */
  readonly allowedParameters: ParameterConstraints | null;
  /** `null` when the rule sets no `denied_parameters`. */
  readonly deniedParameters: ParameterConstraints | null;
  /** Parameter names (lower-cased) that a create/update/patch request must carry. */
  readonly requiredParameters: readonly string[];
  /** Minimum response-wrapping TTL in seconds; 0 when unset. */
  readonly minWrappingTtl: number;
  /** Maximum response-wrapping TTL in seconds; 0 when unset. */
  readonly maxWrappingTtl: number;
  /** The pattern ends with `*`: it matches every path starting with the text before it. */
  readonly isPrefix: boolean;
  /** The pattern has at least one `+` segment (matches exactly one path segment). */
  readonly hasSegmentWildcard: boolean;
  /** The pattern holds `{{identity…}}` templates, resolved when an ACL is built. */
  readonly isTemplated: boolean;
}

/** A named policy. Names are lower-case; `root` is the built-in policy that allows everything. */
export interface Policy {
  readonly name: string;
  readonly rules: readonly PathRule[];
}
