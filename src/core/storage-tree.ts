/**
 * @module Operations on a whole subtree of storage (used when a mount or a token goes away).
 */
import type { Storage, StorageOp } from '../storage/storage.js';

/** Deletes every key below `prefix` (used when a mount is disabled). */
export async function deleteTree(storage: Storage, prefix: string): Promise<void> {
  const stack = [prefix];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const names = await storage.list(dir);
    const ops: StorageOp[] = [];
    for (const name of names) {
      if (name.endsWith('/')) stack.push(dir + name);
      else ops.push({ kind: 'delete', key: dir + name });
    }
    if (ops.length > 0) await storage.transaction(ops);
  }
}
