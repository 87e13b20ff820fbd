/**
 * @module The contract every secrets engine keeps, as a runnable vitest suite. Each engine's
 * test calls {@link describeEngine} with a small case describing its paths:
 *
 * - a write followed by a read returns what was written;
 * - an unknown path fails with `not_found`, an operation the path lacks with
 *   `unsupported_operation`, a list of an empty folder with `not_found`;
 * - every failure is a {@link HushError} (never a raw Error) and no error message, `messages`
 *   entry or error response body contains a secret value that was written before or sent in
 *   the failing request.
 */
import { describe, expect, it } from 'vitest';
import { HushError } from '../lib/errors.js';
import type { HushErrorCode } from '../lib/errors.js';
import type { EngineRequest, EngineResponse, SecretsEngine } from './engine.js';
import { engineRequest } from './testing/engine-request.js';
import type { RequestSpec } from './testing/engine-request.js';

export interface EngineConformanceCase {
  /** A fresh engine over fresh, empty storage. */
  make(): Promise<SecretsEngine>;
  /** Fields every request carries, e.g. the `callerId` cubbyhole needs. */
  readonly base?: Partial<EngineRequest>;
  /** A request that stores `value` somewhere readable by {@link read}. */
  write(value: string): RequestSpec;
  readonly read: RequestSpec;
  /** Where the written value sits in the read response. */
  readValue(res: EngineResponse): unknown;
  /** Read of this path must fail with `not_found`. */
  readonly unknownPath: string;
  /** This request must fail with `unsupported_operation`. */
  readonly unsupported: RequestSpec;
  /** Listing this folder of an empty engine must fail with `not_found`. */
  readonly emptyListPath: string;
  /** Requests that must fail while a secret is stored; each may carry `value` in odd places. */
  provoke(value: string): RequestSpec[];
}

/** Runs `spec` and returns the failure it produced: a thrown error or an error response. */
async function failure(engine: SecretsEngine, req: EngineRequest): Promise<unknown> {
  try {
    const res = await engine.handle(req);
    if ((res.status ?? 200) >= 400) return res;
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${req.operation} ${req.path} to fail`);
}

async function expectCode(engine: SecretsEngine, req: EngineRequest, code: HushErrorCode): Promise<void> {
  const err = await failure(engine, req);
  expect(err).toBeInstanceOf(HushError);
  expect((err as HushError).code).toBe(code);
}

function failureText(err: unknown): string {
  if (err instanceof HushError) return JSON.stringify([err.message, err.messages]);
  return JSON.stringify(err);
}

export function describeEngine(name: string, c: EngineConformanceCase): void {
  const req = (spec: RequestSpec) => engineRequest(spec, c.base);

  describe(`engine conformance: ${name}`, () => {
    it('reads back what it wrote', async () => {
      const engine = await c.make();
      await engine.handle(req(c.write('conformance-value-1')));
      expect(c.readValue(await engine.handle(req(c.read)))).toBe('conformance-value-1');
    });

    it('answers not_found for an unknown path', async () => {
      await expectCode(await c.make(), req({ operation: 'read', path: c.unknownPath }), 'not_found');
    });

    it('answers unsupported_operation for an operation the path lacks', async () => {
      await expectCode(await c.make(), req(c.unsupported), 'unsupported_operation');
    });

    it('answers not_found for a list of an empty folder', async () => {
      await expectCode(await c.make(), req({ operation: 'list', path: c.emptyListPath }), 'not_found');
    });

    it('never puts a secret value in an error', async () => {
      const engine = await c.make();
      const value = 'S3cr3t-Conformance-Value-7f3a9c';
      await engine.handle(req(c.write(value)));
      const specs = [
        ...c.provoke(value),
        { ...c.unsupported, data: { value, data: { value } } },
        { operation: 'read' as const, path: c.unknownPath, query: { version: value } },
      ];
      for (const spec of specs) {
        const err = await failure(engine, req(spec));
        if (!(err instanceof HushError)) expect(err).toHaveProperty('status');
        expect(failureText(err), `${spec.operation} ${spec.path}`).not.toContain(value);
      }
    });
  });
}
