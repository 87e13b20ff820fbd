/**
 * @module What a login method keeps in its mount's storage: its config (one JSON record) and its
 * roles (`role/<name>`, JSON, names compared without case, as Vault does), and the paths that
 * manage them: `config` (read, write), `role/` (list) and `role/:name` (read, write over the
 * stored role, delete).
 * Used by the JWT/OIDC and Kubernetes methods; each gives how a write is read into its role and
 * how a role is shown.
 */
import { badRequest, notFound } from '../../lib/errors.js';
import { definePath } from '../../engines/path-table.js';
import type { PathDeclaration } from '../../engines/path-table.js';
import type { Storage } from '../../storage/storage.js';
import type { AuthRequest } from './auth-method.js';
import { ROLE_NAME } from './login-role-fields.js';

export interface RoleStore<T> {
  /** The role, or undefined when there is none (or the name is not a role name). */
  load(name: string): Promise<T | undefined>;
  save(name: string, role: T): Promise<void>;
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
}

/** A JSON record of a mount's storage (its config): undefined when not written yet. */
export async function readJson<T>(view: Storage, key: string): Promise<T | undefined> {
  const raw = await view.get(key);
  return raw ? (JSON.parse(Buffer.from(raw).toString('utf8')) as T) : undefined;
}

export async function writeJson(view: Storage, key: string, value: unknown): Promise<void> {
  await view.put(key, Buffer.from(JSON.stringify(value), 'utf8'));
}

export function roleStore<T>(view: Storage): RoleStore<T> {
  const key = (name: string) => `role/${name.toLowerCase()}`;
  return {
    load: async (name) => (ROLE_NAME.test(name) ? readJson<T>(view, key(name)) : undefined),
    save: (name, role) => writeJson(view, key(name), role),
    remove: (name) => view.delete(key(name)),
    list: async () => (await view.list('role/')).filter((k) => !k.endsWith('/')),
  };
}

/** The `config` path: a read shows the stored config (404 before the first write); a write
 * goes to `write`, which checks and stores it. */
export function configPath<C>(
  summary: string,
  load: () => Promise<C | undefined>,
  show: (config: C) => Record<string, unknown>,
  write: (data: Readonly<Record<string, unknown>>) => Promise<void>,
): PathDeclaration<AuthRequest> {
  return definePath<AuthRequest>({
    pattern: /^config\/?$/,
    summary,
    operations: {
      read: async () => {
        const config = await load();
        if (!config) throw notFound();
        return { data: show(config) };
      },
      update: async (req) => {
        await write(req.data);
        return {};
      },
    },
  });
}

/** How a method reads a role write (over the stored role when updating) and shows a role. */
export interface RoleShape<T> {
  parse(data: Readonly<Record<string, unknown>>, existing: T | undefined): T;
  show(role: T): Record<string, unknown>;
}

/** The `role/` and `role/:name` paths over `roles`. */
export function rolePaths<T>(roles: RoleStore<T>, shape: RoleShape<T>, what: string): PathDeclaration<AuthRequest>[] {
  const nameOf = (params: Readonly<Record<string, string>>): string => {
    const name = params.name ?? '';
    if (!ROLE_NAME.test(name)) throw badRequest('invalid role name');
    return name;
  };
  return [
    definePath<AuthRequest>({
      pattern: /^role\/?$/,
      summary: 'List the roles.',
      operations: {
        list: async () => {
          const keys = await roles.list();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: /^role\/(?<name>[^/]+)$/,
      summary: `Create, read, update or delete a role: ${what}.`,
      operations: {
        read: async (_req, params) => {
          const role = await roles.load(nameOf(params));
          if (!role) throw notFound();
          return { data: shape.show(role) };
        },
        update: async (req, params) => {
          const name = nameOf(params);
          await roles.save(name, shape.parse(req.data, await roles.load(name)));
          return {};
        },
        delete: async (_req, params) => {
          await roles.remove(nameOf(params));
          return {};
        },
      },
    }),
  ];
}
