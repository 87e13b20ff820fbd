/**
 * @module Paths declared as data. An engine or auth method lists its paths as
 * {@link PathDeclaration}s; {@link dispatch} finds the first whose pattern matches and calls the
 * handler for the operation, answering 405 when the path exists without that operation and 404
 * when no pattern matches.
 */
import { HushError } from '../lib/errors.js';
import type { Operation } from '../core/request.js';
import type { EngineRequest, EngineResponse } from './engine.js';

export type PathHandler<Ctx = EngineRequest> = (
  req: Ctx,
  params: Readonly<Record<string, string>>,
) => Promise<EngineResponse>;

export interface PathDeclaration<Ctx = EngineRequest> {
  /** Anchored regular expression over the path below the mount, with named groups as params. */
  readonly pattern: RegExp;
  /** One-line description, for help and the API document. */
  readonly summary: string;
  readonly operations: Partial<Record<Operation, PathHandler<Ctx>>>;
}

/** Helper for declaring a path with type inference. */
export function definePath<Ctx = EngineRequest>(decl: PathDeclaration<Ctx>): PathDeclaration<Ctx> {
  return decl;
}

/** Finds the declaration for `path`, or undefined. */
export function matchPath<Ctx>(
  table: readonly PathDeclaration<Ctx>[],
  path: string,
): { decl: PathDeclaration<Ctx>; params: Record<string, string> } | undefined {
  for (const decl of table) {
    const m = decl.pattern.exec(path);
    if (m) return { decl, params: m.groups ?? {} }; // a fresh object for every match
  }
  return undefined;
}

/** Routes `req` through `table`. `create` falls back to the `update` handler and vice versa,
 * since Vault clients send PUT/POST for both. */
export async function dispatch<Ctx extends { readonly operation: Operation; readonly path: string }>(
  table: readonly PathDeclaration<Ctx>[],
  req: Ctx,
): Promise<EngineResponse> {
  const found = matchPath(table, req.path);
  if (!found) throw new HushError('not_found', `no handler for route "${req.path}"`);
  const ops = found.decl.operations;
  const handler =
    ops[req.operation] ??
    (req.operation === 'create' ? ops.update : req.operation === 'update' ? ops.create : undefined);
  if (!handler) throw new HushError('unsupported_operation', 'unsupported operation');
  return handler(req, found.params);
}
