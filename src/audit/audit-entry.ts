/**
 * @module What the core hands the audit broker, the blocks of the Vault-shaped audit entry built
 * from it, and the line that joins them (the whole entry as one object, which the broker never
 * builds, is in `testing/audit-entries.ts`).
 *
 * The input types are structural: the core passes its own request, token and response values
 * (a {@link AuditRequestInfo} is a subset of `CoreRequest`; {@link AuditResponseAuth} and
 * {@link AuditWrapInfo} match `ResponseAuth` and `WrapInfo`), so `audit/` imports nothing from
 * `core/`. Blocks built here hold RAW values; `audit-hmac.ts` hashes them per device before
 * anything is written.
 */

/** The request as the core saw it (field names as in `CoreRequest`). */
export interface AuditRequestInfo {
  readonly id: string;
  readonly operation: string;
  readonly path: string;
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly remoteAddress?: string;
  readonly clientToken?: string;
  /** Accessor of the client token, when the token store resolved it. */
  readonly clientTokenAccessor?: string;
  /** The token store's (keyed, one-way) hash of the client token. Never written to the log: it
   * lets a device remember the token's audit HMAC across requests without keeping the token. */
  readonly clientTokenKey?: string;
  /** Type of the mount that serves the path (`kv`, `approle`, `token`, `system` …). */
  readonly mountType?: string;
  /** Mount point with trailing slash (`secret/`). */
  readonly mountPoint?: string;
  readonly mountAccessor?: string;
  /** Requested response-wrapping TTL in seconds (`X-Vault-Wrap-TTL`). */
  readonly wrapTtlSeconds?: number;
  /** Request headers the operator chose to audit; values are hashed like data. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Who made the request: the caller's token as the token store resolved it. */
export interface AuditAuth {
  readonly clientToken?: string;
  readonly accessor?: string;
  readonly displayName?: string;
  readonly policies?: readonly string[];
  readonly tokenPolicies?: readonly string[];
  readonly identityPolicies?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly entityId?: string;
  readonly tokenType?: string;
  /** Remaining TTL of the token in seconds. */
  readonly tokenTtl?: number;
  /** ISO 8601 time the token was issued. */
  readonly tokenIssueTime?: string;
  readonly remainingUses?: number;
  /**
   * A frozen object this block is a pure function of (with the token, which it identifies): the
   * caller's token entry as the token store shares it. A device serialises the block once per
   * source and reuses it; leave it out when anything here is not derived from it.
   */
  readonly source?: object;
  /** Outcome of the policy check, when it ran. */
  readonly policyResults?: {
    readonly allowed: boolean;
    readonly grantingPolicies?: readonly { readonly name: string; readonly type?: string }[];
  };
}

/** Structural twin of the core's `ResponseAuth` (only what the audit entry shows). */
export interface AuditResponseAuth {
  readonly client_token: string;
  readonly accessor: string;
  readonly policies?: readonly string[];
  readonly token_policies?: readonly string[];
  readonly identity_policies?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
  readonly entity_id?: string;
  readonly token_type?: string;
  readonly orphan?: boolean;
  readonly num_uses?: number;
}

/** Structural twin of the core's `WrapInfo`. */
export interface AuditWrapInfo {
  readonly token: string;
  readonly accessor: string;
  readonly ttl: number;
  readonly creation_time: string;
  readonly creation_path: string;
  readonly wrapped_accessor?: string;
}

/** What the core passes to `logRequest`: before routing, after the token and policy checks. */
export interface AuditRequestInput {
  readonly request: AuditRequestInfo;
  /** Absent for unauthenticated requests (login, sys/health …). */
  readonly auth?: AuditAuth;
  /** Set when the request is already refused (bad token, permission denied). Never hashed: it
   * must not contain a secret. */
  readonly error?: string;
}

/** What the core passes to `logResponse`: the request input plus what goes back to the client. */
export interface AuditResponseInput extends AuditRequestInput {
  readonly response?: {
    readonly status?: number;
    readonly data?: Readonly<Record<string, unknown>> | null;
    readonly auth?: AuditResponseAuth | null;
    readonly wrapInfo?: AuditWrapInfo | null;
    readonly warnings?: readonly string[] | null;
    readonly leaseId?: string;
  };
}

/** The serialised blocks of one line, each already hashed for its device. */
export interface LineParts {
  readonly time: string;
  readonly type: 'request' | 'response';
  readonly auth?: string;
  readonly request: string;
  readonly response?: string;
  readonly error?: string;
}

/** A line as the pieces it is made of, in order (see {@link AuditLine}). */
export type LinePieces = readonly string[];

/** A line handed to a device: its text, or pieces whose concatenation is its text. Pieces let
 * the file device encode the blocks (kilobytes, often shared by both lines of a request) straight
 * into its output, instead of first joining them into one more string. */
export type AuditLine = string | LinePieces;

/** The text of `line`. */
export function lineText(line: AuditLine): string {
  return typeof line === 'string' ? line : line.join('');
}

/** The JSON line of an entry from its serialised blocks, after `prefix`, in the field order of
 * Vault's entries (what `JSON.stringify` of the whole entry gives), as pieces: blocks shared by
 * the request and response lines are neither serialised nor copied again. */
export function renderLine(parts: LineParts, prefix = ''): LinePieces {
  const pieces = [`${prefix}{"time":${JSON.stringify(parts.time)},"type":"${parts.type}"`];
  if (parts.auth !== undefined) pieces.push(',"auth":', parts.auth);
  pieces.push(',"request":', parts.request);
  if (parts.response !== undefined) pieces.push(',"response":', parts.response);
  const error = nonEmpty(parts.error);
  if (error !== undefined) pieces.push(`,"error":${JSON.stringify(error)}`);
  pieces.push('}');
  return pieces;
}

/** The `response` block of a response entry (`{}` when the request failed). */
export function responseBlock(input: AuditResponseInput): Record<string, unknown> {
  const res = input.response;
  if (res === undefined) return {};
  return withoutUndefined({
    mount_type: input.request.mountType,
    mount_point: input.request.mountPoint,
    mount_accessor: input.request.mountAccessor,
    status: res.status,
    auth: res.auth ? responseAuthBlock(res.auth) : undefined,
    secret: res.leaseId ? { lease_id: res.leaseId } : undefined,
    data: res.data ?? undefined,
    wrap_info: res.wrapInfo ? { ...res.wrapInfo } : undefined,
    warnings: res.warnings && res.warnings.length > 0 ? [...res.warnings] : undefined,
  });
}

export function requestBlock(req: AuditRequestInfo): Record<string, unknown> {
  return withoutUndefined({
    id: req.id,
    operation: req.operation,
    mount_type: req.mountType,
    mount_point: req.mountPoint,
    mount_accessor: req.mountAccessor,
    client_token: req.clientToken,
    client_token_accessor: req.clientTokenAccessor,
    namespace: { id: 'root' },
    path: req.path,
    data: req.data ?? undefined,
    remote_address: req.remoteAddress,
    wrap_ttl: req.wrapTtlSeconds,
    headers: req.headers && Object.keys(req.headers).length > 0 ? { ...req.headers } : undefined,
  });
}

export function auditAuthBlock(auth: AuditAuth): Record<string, unknown> {
  return withoutUndefined({
    client_token: auth.clientToken,
    accessor: auth.accessor,
    display_name: auth.displayName,
    policies: auth.policies ? [...auth.policies] : undefined,
    token_policies: auth.tokenPolicies ? [...auth.tokenPolicies] : undefined,
    identity_policies: auth.identityPolicies ? [...auth.identityPolicies] : undefined,
    policy_results: auth.policyResults
      ? withoutUndefined({
          allowed: auth.policyResults.allowed,
          granting_policies: auth.policyResults.grantingPolicies?.map((p) => ({
            name: p.name,
            namespace_id: 'root',
            type: p.type ?? 'acl',
          })),
        })
      : undefined,
    metadata: auth.metadata && Object.keys(auth.metadata).length > 0 ? { ...auth.metadata } : undefined,
    entity_id: auth.entityId,
    token_type: auth.tokenType,
    token_ttl: auth.tokenTtl,
    token_issue_time: auth.tokenIssueTime,
    remaining_uses: auth.remainingUses,
  });
}

function responseAuthBlock(auth: AuditResponseAuth): Record<string, unknown> {
  return withoutUndefined({
    client_token: auth.client_token,
    accessor: auth.accessor,
    policies: auth.policies ? [...auth.policies] : undefined,
    token_policies: auth.token_policies ? [...auth.token_policies] : undefined,
    identity_policies: auth.identity_policies ? [...auth.identity_policies] : undefined,
    metadata: auth.metadata && Object.keys(auth.metadata).length > 0 ? { ...auth.metadata } : undefined,
    entity_id: auth.entity_id,
    token_type: auth.token_type,
    token_ttl: auth.lease_duration,
    renewable: auth.renewable,
    orphan: auth.orphan,
    num_uses: auth.num_uses,
  });
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/** A copy without the undefined fields (built anew: deleting keys would slow every later access). */
function withoutUndefined<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const key in obj) if (obj[key] !== undefined) out[key] = obj[key];
  return out as T;
}
