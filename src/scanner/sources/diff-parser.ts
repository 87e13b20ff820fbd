/**
 * @module Parses unified diffs produced with `-U0` (`git diff --cached`, `git log -p`) into the
 * ADDED lines of each hunk with their new-file line numbers. Lines are counted with the hunk
 * header's counts, so an added line that itself starts with `+++` is not mistaken for a header.
 */

export interface AddedHunk {
  readonly path: string;
  /** New-file line number of the first added line. */
  readonly startLine: number;
  readonly lines: readonly string[];
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Incremental parser: feed lines, collect hunks. */
export class DiffParser {
  #path: string | null = null;
  #oldLeft = 0;
  #newLeft = 0;
  #start = 0;
  #lineNo = 0;
  #lines: string[] = [];
  readonly #emit: (h: AddedHunk) => void;

  constructor(emit: (h: AddedHunk) => void) {
    this.#emit = emit;
  }

  push(line: string): void {
    if (this.#oldLeft > 0 || this.#newLeft > 0) {
      const c = line[0];
      if (c === '+' && this.#newLeft > 0) {
        if (this.#lines.length === 0 || this.#start + this.#lines.length !== this.#lineNo) this.#flushLines();
        if (this.#lines.length === 0) this.#start = this.#lineNo;
        this.#lines.push(line.slice(1));
        this.#lineNo++;
        this.#newLeft--;
        return;
      }
      if (c === '-' && this.#oldLeft > 0) {
        this.#oldLeft--;
        return;
      }
      if (c === ' ') {
        this.#oldLeft--;
        this.#newLeft--;
        this.#flushLines();
        this.#lineNo++;
        return;
      }
      if (c === '\\') return;
      this.#oldLeft = 0;
      this.#newLeft = 0;
    }
    if (line.startsWith('\\')) return;
    const h = HUNK.exec(line);
    if (h !== null) {
      this.#flushLines();
      this.#oldLeft = h[1] === undefined ? 1 : Number(h[1]);
      this.#newLeft = h[3] === undefined ? 1 : Number(h[3]);
      this.#lineNo = Number(h[2]);
      return;
    }
    if (line.startsWith('diff --git ')) {
      this.#flushLines();
      this.#path = null;
    } else if (line.startsWith('+++ ')) {
      this.#path = parsePath(line.slice(4));
    }
  }

  /** Emits what is pending; call at the end of the input (and between commits). */
  flush(): void {
    this.#flushLines();
    this.#oldLeft = 0;
    this.#newLeft = 0;
  }

  #flushLines(): void {
    if (this.#lines.length > 0 && this.#path !== null) {
      this.#emit({ path: this.#path, startLine: this.#start, lines: this.#lines });
    }
    this.#lines = [];
  }
}

function parsePath(raw: string): string | null {
  let p = raw.replace(/\t$/, '');
  if (p === '/dev/null') return null;
  if (p.startsWith('"') && p.endsWith('"')) p = unquote(p.slice(1, -1));
  return p.startsWith('b/') ? p.slice(2) : p;
}

/** git's C-style quoting (octal escapes for bytes). */
function unquote(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c));
      continue;
    }
    const n = s[++i] ?? '';
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, r: 13, '"': 34, '\\': 92 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
