import { describe, expect, it } from 'vitest';
import { addMask, commandLine, escapeData, maskLines, reportError } from './workflow-commands.js';

function sink() {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
}

describe('workflow commands', () => {
  it("escapes data as the runner un-escapes it (% first, so %0A in a value stays literal)", () => {
    expect(escapeData('100% \r\n %0A')).toBe('100%25 %0D%0A %250A');
    expect(commandLine('error', 'bad\nthing')).toBe('::error::bad%0Athing\n');
  });

  it('masks every non-blank line of a value once, whatever its line breaks', () => {
    expect(maskLines('-----BEGIN KEY-----\r\nabc\n\n  \nabc\rdef\n')).toEqual(['-----BEGIN KEY-----', 'abc', 'def']);
    const out = sink();
    addMask(out, 'p%w\nsecond');
    expect(out.lines).toEqual(['::add-mask::p%25w\n', '::add-mask::second\n']);
    const none = sink();
    addMask(none, ' \n');
    expect(none.lines).toEqual([]);
  });

  it('reports an error as one annotation line', () => {
    const out = sink();
    reportError(out, 'login refused');
    expect(out.lines).toEqual(['::error::login refused\n']);
  });
});
