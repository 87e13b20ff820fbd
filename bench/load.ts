/**
 * @module One load run with autocannon: fixed connections and duration, returning throughput
 * and latency percentiles. Non-2xx answers are counted, so a broken route cannot look fast.
 */
import autocannon from 'autocannon';

export interface LoadResult {
  readonly name: string;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly errors: number;
}

export interface LoadSpec {
  readonly name: string;
  readonly url: string;
  readonly method?: 'GET' | 'PUT' | 'POST';
  readonly headers?: Record<string, string>;
  /** Builds the body (and path) of each request; called once per request. */
  readonly next?: () => { path?: string; body?: string };
  readonly connections?: number;
  readonly seconds?: number;
}

export async function runLoad(spec: LoadSpec, onTick?: () => void): Promise<LoadResult> {
  const next = spec.next;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections ?? 32,
    duration: spec.seconds ?? 8,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    requests: next
      ? [
          {
            setupRequest: (req: autocannon.Request) => {
              const n = next();
              return { ...req, ...(n.path ? { path: n.path } : {}), ...(n.body !== undefined ? { body: n.body } : {}) };
            },
          },
        ]
      : undefined,
  });
  const timer = onTick ? setInterval(onTick, 250) : undefined;
  const result = await instance;
  if (timer) clearInterval(timer);
  const ok = result['2xx'];
  return {
    name: spec.name,
    requestsPerSec: ok / (result.duration || 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: ok,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
