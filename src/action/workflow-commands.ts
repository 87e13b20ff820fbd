/**
 * @module GitHub Actions workflow commands written to stdout (`::add-mask::…`, `::error::…`), the
 * documented protocol the runner reads from a step's output. Our own few lines instead of
 * @actions/core, so the bundled action carries no third-party code.
 *
 * The runner un-escapes a command's data (`%25` → `%`, `%0D` → CR, `%0A` → LF), so data is escaped
 * the other way first; without it a secret containing `%0A` would register the wrong mask.
 */

/** Where command lines go: `process.stdout` in the action, an array in tests. */
export interface CommandSink {
  write(text: string): unknown;
}

/** Escapes a workflow command's data the way the runner un-escapes it. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** One `::name::data` command line. */
export function commandLine(name: string, data: string): string {
  return `::${name}::${escapeData(data)}\n`;
}

/**
 * The lines of `value` the runner must mask. The runner masks log output line by line, so a
 * multi-line value (a PEM key) is only hidden if each of its lines is registered; the runner
 * refuses blank masks, so lines of only whitespace are left out.
 */
export function maskLines(value: string): string[] {
  const lines = value.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  return [...new Set(lines)];
}

/** Registers every non-blank line of `value` as a mask. Call before anything could print it. */
export function addMask(out: CommandSink, value: string): void {
  for (const line of maskLines(value)) out.write(commandLine('add-mask', line));
}

/** Annotates the step with an error; the message must never hold a secret. */
export function reportError(out: CommandSink, message: string): void {
  out.write(commandLine('error', message));
}

export function reportWarning(out: CommandSink, message: string): void {
  out.write(commandLine('warning', message));
}
