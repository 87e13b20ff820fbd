/**
 * @module Checks an environment against a contract, all variables at once: the result lists
 * every problem by variable name, never a value. Pure: the environment is passed in, so the same
 * check serves `hush check` (the current environment, env files, Hush paths) and
 * `hush run --check` (the environment the command would get).
 */
import type { Contract } from './contract.js';
import { validateValue } from './validators.js';

export interface Problem {
  readonly name: string;
  /** What is wrong (`missing`, `not a bool`, `above max 65535`); never contains the value. */
  readonly problem: string;
}

export interface CheckResult {
  /** How many variables the contract declares. */
  readonly checked: number;
  /** In the contract's order. */
  readonly problems: readonly Problem[];
  /** Unset variables that have a default, with it (defaults come from the committed contract). */
  readonly defaults: ReadonlyMap<string, string>;
}

export function checkEnvironment(contract: Contract, env: Readonly<Record<string, string | undefined>>): CheckResult {
  const problems: Problem[] = [];
  const defaults = new Map<string, string>();
  for (const spec of contract.variables) {
    const value = Object.hasOwn(env, spec.name) ? env[spec.name] : undefined;
    if (value === undefined) {
      if (spec.default !== undefined) defaults.set(spec.name, spec.default);
      else if (!spec.optional) problems.push({ name: spec.name, problem: 'missing' });
      continue;
    }
    const problem = validateValue(spec, value);
    if (problem !== undefined) problems.push({ name: spec.name, problem });
  }
  return { checked: contract.variables.length, problems, defaults };
}

/** `3 problems`, `1 variable`: for summaries. */
export function count(n: number, noun: 'problem' | 'variable'): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
