import { describe, expect, it } from 'vitest';
import { renderShell, shellQuote } from './shell-format.js';

describe('shell format', () => {
  it('single-quotes every value, writing a single quote as close-escape-reopen', () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(id) `id` \\ "x"\nline2')).toBe("'$(id) `id` \\ \"x\"\nline2'");
    expect(shellQuote('')).toBe("''");
    expect(renderShell(new Map([['A', 'x'], ['B', "'"]]))).toBe("export A='x'\nexport B=''\\'''\n");
  });

  it('refuses names a shell cannot assign and NUL characters, naming the key only', () => {
    expect(() => renderShell(new Map([['my-key', 'v']]))).toThrow(/^cannot export "my-key" as a shell variable: not a valid name/);
    expect(() => renderShell(new Map([['K', 'nul\0secret']]))).toThrow(/^cannot export K as a shell variable: it contains a NUL character$/);
  });
});
