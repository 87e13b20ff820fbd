/**
 * @module The whole audit entry as one object, for tests. The broker never builds it: it hashes
 * and serialises each block once and joins them with `renderLine`, and the tests check that the
 * line it writes is exactly this object's JSON.
 */
import { auditAuthBlock, requestBlock, responseBlock } from '../audit-entry.js';
import type { AuditRequestInput, AuditResponseInput } from '../audit-entry.js';

/** One line of the audit log, before hashing and before the hash-chain fields. Fields are
 * snake_case as in Vault's audit log; absent values are omitted, as Vault does. */
export interface AuditEntry {
  time: string;
  type: 'request' | 'response';
  auth?: Record<string, unknown>;
  request: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: string;
}

/** The `request` entry for `input` at `now`. */
export function buildRequestEntry(input: AuditRequestInput, now: Date = new Date()): AuditEntry {
  return entry('request', input, now, undefined);
}

/** The `response` entry for `input` at `now`. */
export function buildResponseEntry(input: AuditResponseInput, now: Date = new Date()): AuditEntry {
  return entry('response', input, now, responseBlock(input));
}

/** The fields in Vault's order (JSON keeps insertion order), absent ones left out. */
function entry(type: AuditEntry['type'], input: AuditRequestInput, now: Date, response: AuditEntry['response']): AuditEntry {
  return {
    time: now.toISOString(),
    type,
    ...(input.auth === undefined ? {} : { auth: auditAuthBlock(input.auth) }),
    request: requestBlock(input.request),
    ...(response === undefined ? {} : { response }),
    ...(input.error === undefined || input.error === '' ? {} : { error: input.error }),
  };
}
