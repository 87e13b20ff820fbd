/**
 * @module Builds a {@link ScanEngine} from a serialisable {@link EngineSpec} (built-in rules,
 * plus a `.gitleaks.toml`), so the main thread and every worker thread build the same engine.
 */
import { loadGitleaksConfig } from '../config/gitleaks-config.js';
import { loadBuiltinRuleSet, ruleSetVersion } from './rule-set.js';
import { ScanEngine } from './scan-engine.js';
import type { ScanRule } from './scan-rule.js';
import type { ManagedFingerprintData } from '../managed/fingerprint-set.js';

/** Everything needed to rebuild the same engine in another thread. */
export interface EngineSpec {
  /** Absolute path of a `.gitleaks.toml` whose rules and allowlists are added. */
  readonly gitleaksConfig?: string;
  /** `hush scan --server`: fingerprints of managed secrets to report (see `managed/`). */
  readonly managed?: ManagedFingerprintData;
}

export interface BuiltEngine {
  readonly engine: ScanEngine;
  readonly rules: readonly ScanRule[];
  /** Identifies the detection behaviour; keys the history cache. */
  readonly version: string;
}

export async function buildEngine(spec: EngineSpec): Promise<BuiltEngine> {
  const builtin = await loadBuiltinRuleSet();
  const config = spec.gitleaksConfig === undefined ? undefined : await loadGitleaksConfig(spec.gitleaksConfig);
  const rules = [...builtin.rules, ...(config?.rules ?? [])];
  // Loaded only when asked for: the pre-commit path never pays for it.
  const managed = spec.managed === undefined ? undefined : new (await import('../managed/managed-detector.js')).ManagedSecretDetector(spec.managed);
  const engine = new ScanEngine({
    rules,
    ...(managed !== undefined ? { detectors: [managed] } : {}),
    ...(builtin.isFalsePositive !== undefined ? { isFalsePositive: builtin.isFalsePositive } : {}),
    ...(config !== undefined ? { allowlists: config.allowlists } : {}),
  });
  let version: string | undefined;
  return {
    engine,
    rules,
    // hashing every rule's source takes ~10 ms, and only history scans (the cache key) ask
    get version(): string {
      if (version === undefined) {
        const allowText = JSON.stringify(config?.allowlists.map((a) => [a.regexes.map(String), a.paths.map(String), a.stopwords, a.commits]) ?? []);
        version = ruleSetVersion(rules, allowText + String(builtin.isFalsePositive ?? ''));
      }
      return version;
    },
  };
}
