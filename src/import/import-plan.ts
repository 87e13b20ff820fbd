/**
 * @module What an import changes in a secret: the data to write as its next version and, per
 * key, whether it is new, changed, unchanged or removed (replace mode drops keys the file does
 * not have; `--merge` keeps them). Pure; the plan holds values only in `data`, so printing the
 * change list can never show one.
 */

export type KeyChange = 'new' | 'changed' | 'unchanged' | 'removed';

export interface ImportPlan {
  /** The complete data of the version to write. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Every key of the old and new data, in file order then the removed ones. */
  readonly changes: readonly { readonly key: string; readonly change: KeyChange }[];
}

export function planImport(
  incoming: ReadonlyMap<string, string>,
  current: Readonly<Record<string, unknown>> | undefined,
  merge: boolean,
): ImportPlan {
  const old = current ?? {};
  const data: Record<string, unknown> = merge ? { ...old } : {};
  const changes: { key: string; change: KeyChange }[] = [];
  for (const [key, value] of incoming) {
    data[key] = value;
    const change: KeyChange = !Object.hasOwn(old, key) ? 'new' : old[key] === value ? 'unchanged' : 'changed';
    changes.push({ key, change });
  }
  if (!merge) {
    for (const key of Object.keys(old)) if (!incoming.has(key)) changes.push({ key, change: 'removed' });
  }
  return { data, changes };
}

/** "2 new, 1 changed, 3 unchanged" (kinds that occur, in that order). */
export function summarizeChanges(changes: ImportPlan['changes']): string {
  const kinds: KeyChange[] = ['new', 'changed', 'unchanged', 'removed'];
  const parts = kinds.map((k) => [k, changes.filter((c) => c.change === k).length] as const).filter(([, n]) => n > 0);
  return parts.length === 0 ? 'no keys' : parts.map(([k, n]) => `${n} ${k}`).join(', ');
}
