/**
 * @module One load run with autocannon: fixed connections and duration, returning throughput
 * and latency percentiles. Non-2xx answers are counted, so a broken route cannot look fast.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  readonly name: string;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly errors: number;
  /** Server CPU time (user + system) per answered request, in microseconds, when measured:
   * steadier than throughput when other processes share the machine. */
  readonly serverCpuUsPerRequest?: number;
}

export interface LoadSpec {
  readonly name: string;
  readonly url: string;
  readonly method?: 'GET' | 'PUT' | 'POST';
  readonly headers?: Record<string, string>;
  /** The body of every request, when it does not change (built once, cheaper than `next`). */
  readonly body?: string;
  /** Builds the body (and path) of each request; called once per request. */
  readonly next?: () => { path?: string; body?: string };
  readonly connections?: number;
  readonly seconds?: number;
}

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat` (Linux). */
export function processCpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ, 100 on every Linux platform Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Runs the load; with `serverPid`, also measures that process's CPU time per request. */
export async function runLoad(spec: LoadSpec, onTick?: () => void, serverPid?: number): Promise<LoadResult> {
  const cpuBefore = serverPid === undefined ? 0 : processCpuSeconds(serverPid);
  const next = spec.next;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections ?? 32,
    duration: spec.seconds ?? 8,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
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
  const cpu = serverPid === undefined ? undefined : processCpuSeconds(serverPid) - cpuBefore;
  return {
    name: spec.name,
    requestsPerSec: ok / (result.duration || 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: ok,
    errors: result.non2xx + result.errors + result.timeouts,
    ...(cpu === undefined || ok === 0 ? {} : { serverCpuUsPerRequest: (cpu * 1e6) / ok }),
  };
}

/**
 * One result from several rounds of the same route (run in turn with another route, so that the
 * machine's changes of speed fall on both alike): throughput and CPU per request over all rounds,
 * latency percentiles averaged over the rounds (an approximation).
 */
export function combineRounds(rounds: readonly LoadResult[]): LoadResult {
  const first = rounds[0];
  if (first === undefined) throw new Error('no rounds to combine');
  const total = rounds.reduce((sum, r) => sum + r.total, 0);
  const seconds = rounds.reduce((sum, r) => sum + (r.requestsPerSec > 0 ? r.total / r.requestsPerSec : 0), 0);
  const mean = (pick: (r: LoadResult) => number) => rounds.reduce((sum, r) => sum + pick(r), 0) / rounds.length;
  const measured = rounds.every((r) => r.serverCpuUsPerRequest !== undefined);
  const cpuUs = rounds.reduce((sum, r) => sum + (r.serverCpuUsPerRequest ?? 0) * r.total, 0);
  return {
    name: first.name,
    requestsPerSec: seconds > 0 ? total / seconds : 0,
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    total,
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    ...(measured && total > 0 ? { serverCpuUsPerRequest: cpuUs / total } : {}),
  };
}
