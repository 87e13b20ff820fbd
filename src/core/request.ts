/**
 * @module The framework-free request and response the core handles. `http/` builds a
 * {@link CoreRequest} from an HTTP request and renders a {@link CoreResponse} into Vault's
 * envelope; nothing below `http/` knows about HTTP.
 */

import type { ForwardTarget } from './forwarding.js';

/** Vault's logical operations. PUT and POST are both `update` until the core's existence check
 * decides between `create` and `update`. */
export type Operation = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list';

export interface CoreRequest {
  /** Unique per request (UUID), echoed as `request_id`. */
  readonly id: string;
  readonly operation: Operation;
  /** Path after `/v1/`, without leading slash, e.g. `secret/data/myapp`. */
  readonly path: string;
  /** Parsed JSON body (an object), or the query parameters for read/list/delete. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Raw query string parameters (e.g. `version` on a KV v2 read). */
  readonly query: Readonly<Record<string, string>>;
  /** The client token from `X-Vault-Token` or `Authorization: Bearer`, if any. */
  readonly clientToken?: string;
  /** Remote address of the caller (for CIDR bindings, lockouts and audit). */
  readonly remoteAddress: string;
  /** Lower-cased request headers that engines may need (content-type for PATCH). */
  readonly headers: Readonly<Record<string, string>>;
  /** Requested response-wrapping TTL in seconds (`X-Vault-Wrap-TTL`). */
  readonly wrapTtlSeconds?: number;
  /** `X-Hush-Forwarded` as received: a standby's word for the client's address (`forwarding.ts`). */
  readonly forwarded?: string;
}

/** Authentication block of a response (login and token-create results). */
export interface ResponseAuth {
  readonly client_token: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly token_policies: readonly string[];
  readonly identity_policies?: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly lease_duration: number;
  readonly renewable: boolean;
  readonly entity_id: string;
  readonly token_type: 'service' | 'batch';
  readonly orphan: boolean;
  readonly mfa_requirement: null;
  readonly num_uses: number;
}

export interface WrapInfo {
  readonly token: string;
  readonly accessor: string;
  readonly ttl: number;
  readonly creation_time: string;
  readonly creation_path: string;
  readonly wrapped_accessor?: string;
}

export interface CoreResponse {
  /** HTTP status; defaults to 200 with a body, 204 when there is nothing to say. */
  readonly status?: number;
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly auth?: ResponseAuth | null;
  readonly wrapInfo?: WrapInfo | null;
  readonly warnings?: readonly string[] | null;
  readonly leaseId?: string;
  readonly leaseDuration?: number;
  readonly renewable?: boolean;
  /** Some legacy `sys/` routes also copy `data`'s keys to the top level of the envelope. */
  readonly copyDataToTopLevel?: boolean;
  /** A route that answers with a body of its own (e.g. `sys/health`), not the envelope. */
  readonly rawBody?: unknown;
  /** Extra errors body for statuses that Vault answers with errors *and* data (KV v2 404). */
  readonly errors?: readonly string[];
  /** Where to send the request instead (a standby's 307 to the active server). */
  readonly location?: string;
  /** A standby's request to forward to the active server; `location` is the answer if that fails. */
  readonly forward?: ForwardTarget;
}

/** What the HTTP layer calls: the core's single entry point. Never throws for a request the
 * client got wrong; throws HushError (mapped to a status by `http/`) for every failure. */
export interface RequestHandler {
  handle(req: CoreRequest): Promise<CoreResponse>;
}
