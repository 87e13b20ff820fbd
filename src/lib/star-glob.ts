/**
 * @module Globs with `*` only, matching any run of characters (including `/` and `:`), as Vault's
 * auth methods use them: JWT `bound_claims` of type `glob`, token roles' `*_policies_glob`.
 */

/** Whether `value` matches `pattern`, whose every `*` stands for any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const at = value.indexOf(middle, pos);
    if (at < 0 || at + middle.length > end) return false;
    pos = at + middle.length;
  }
  return true;
}
