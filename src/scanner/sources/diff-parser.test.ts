import { describe, expect, it } from 'vitest';
import { DiffParser } from './diff-parser.js';
import type { AddedHunk } from './diff-parser.js';

function parse(text: string): AddedHunk[] {
  const out: AddedHunk[] = [];
  const p = new DiffParser((h) => out.push({ ...h, lines: [...h.lines] }));
  for (const l of text.split('\n')) p.push(l);
  p.flush();
  return out;
}

describe('DiffParser', () => {
  it('collects added lines with new-file numbers and ignores removed ones', () => {
    const diff = [
      'diff --git a/app.py b/app.py',
      'index 1..2 100644',
      '--- a/app.py',
      '+++ b/app.py',
      '@@ -2 +2,2 @@',
      '-old',
      '+new one',
      '+new two',
      '@@ -10,0 +11 @@ def f():',
      '+++ looks like a header',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
      '--- /dev/null',
      '+++ "b/caf\\303\\251.txt"',
      '@@ -0,0 +1 @@',
      '+hello',
      '\\ No newline at end of file',
    ].join('\n');
    expect(parse(diff)).toEqual([
      { path: 'app.py', startLine: 2, lines: ['new one', 'new two'] },
      { path: 'app.py', startLine: 11, lines: ['++ looks like a header'] },
      { path: 'café.txt', startLine: 1, lines: ['hello'] },
    ]);
  });
});
