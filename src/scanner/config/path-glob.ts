/**
 * @module gitignore-like path globs for `.hushignore`: `*` (within a segment), `**` (any
 * depth), `?`, `[...]`; a pattern without `/` matches a basename at any depth; a trailing `/`
 * matches everything under a directory; a leading `/` anchors at the scan root.
 */

export function globToRegex(pattern: string): RegExp {
  let p = pattern.trim();
  let dirOnly = false;
  if (p.endsWith('/')) {
    dirOnly = true;
    p = p.slice(0, -1);
  }
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? '';
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${p.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '(?:^|/)';
  const suffix = dirOnly ? '/' : '(?:$|/)';
  return new RegExp(prefix + re + suffix);
}

/** True when `path` (slash-separated, relative) matches any of `globs`. */
export function matchesAny(globs: readonly RegExp[], path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^\.\//, '');
  return globs.some((g) => g.test(p));
}
