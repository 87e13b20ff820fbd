/**
 * @module Builds {@link EngineRequest}s for engine tests with sensible defaults, so a test
 * states only the operation, path and body it cares about.
 */
import type { Operation } from '../../core/request.js';
import type { EngineRequest } from '../engine.js';

export interface RequestSpec {
  readonly operation: Operation;
  readonly path: string;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly callerId?: string;
}

let counter = 0;

export function engineRequest(spec: RequestSpec, base: Partial<EngineRequest> = {}): EngineRequest {
  counter += 1;
  return {
    id: `test-request-${counter}`,
    mountPoint: 'secret/',
    data: {},
    query: {},
    headers: {},
    ...base,
    ...spec,
  };
}

/** The merge-patch header KV v2 PATCH requires. */
export const mergePatchHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/merge-patch+json',
});
