/**
 * @module What the GitHub runner makes of the files a step wrote, read independently of the
 * action's writer so a test can catch that writer's mistakes: the file commands (`GITHUB_ENV`,
 * `GITHUB_OUTPUT`, `GITHUB_STATE`) parsed as the Linux runner parses them, and the workflow
 * commands a step printed, with their data un-escaped as the runner does.
 *
 * File rules (actions/runner, SetEnvFileCommand): lines end at LF; empty lines are skipped; a
 * line whose first `=` comes before any `<<` is `NAME=VALUE`; otherwise `NAME<<DELIMITER` starts a
 * block whose value is the exact text up to the LF before the first line equal to DELIMITER.
 */
import { readFileSync } from 'node:fs';

/** The variables a file sets, in order, later ones overriding earlier ones as on the runner. */
export function readRunnerFile(path: string): Map<string, string> {
  const text = readFileSync(path, 'utf8');
  const vars = new Map<string, string>();
  let index = 0;
  const readLine = (): string | null => {
    if (index >= text.length) return null;
    const lf = text.indexOf('\n', index);
    const end = lf < 0 ? text.length : lf;
    const line = text.slice(index, end);
    index = lf < 0 ? text.length : lf + 1;
    return line;
  };
  for (let line = readLine(); line !== null; line = readLine()) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      vars.set(line.slice(0, eq), line.slice(eq + 1));
      continue;
    }
    if (heredoc <= 0) throw new Error(`invalid line in ${path}: ${JSON.stringify(line)}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (delimiter === '') throw new Error(`empty delimiter in ${path}`);
    const start = index;
    let end = index;
    for (let next = readLine(); next !== delimiter; next = readLine()) {
      if (next === null) throw new Error(`delimiter ${delimiter} not found in ${path}`);
      end = index - (text[index - 1] === '\n' ? 1 : 0);
    }
    vars.set(name, end > start ? text.slice(start, end) : '');
  }
  return vars;
}

/** A printed workflow command (`::name::data`), data un-escaped as the runner does. */
export interface WorkflowCommand {
  readonly name: string;
  readonly data: string;
}

function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** Each stdout line, as a command when it is one. */
export function readStdout(stdout: string): Array<{ readonly line: string; readonly command?: WorkflowCommand }> {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const m = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
      return m ? { line, command: { name: m[1]!, data: unescapeData(m[2]!) } } : { line };
    });
}
