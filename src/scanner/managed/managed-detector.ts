/**
 * @module The `hush-managed-secret` detector: finds values of secrets managed in Hush (or their
 * base64 / URL / JSON-escaped forms) by hashing candidate substrings ({@link forEachCandidate})
 * with the server's per-request HMAC key and looking the hash up. Only candidates whose length
 * equals some managed form's length are hashed, so most of the text costs a table lookup.
 *
 * The finding names the managed path, key and version, never the value; its fingerprint is the
 * usual `sha256(ruleId, matched text)`, so baselines and `.hushignore` work as for other rules.
 */
import { hmacSha256Hex } from '../../lib/hmac-sha256.js';
import type { HmacSha256Hex } from '../../lib/hmac-sha256.js';
import type { DetectorHit, TextDetector } from '../engine/scan-engine.js';
import { forEachCandidate } from './candidate-spans.js';
import { describeRef } from './fingerprint-set.js';
import type { ManagedFingerprintData, ManagedSecretRef } from './fingerprint-set.js';

export const MANAGED_RULE_ID = 'hush-managed-secret';

interface Match {
  readonly ref: ManagedSecretRef;
  readonly encoding: string;
}

/** Memoised hash results per candidate text (identifiers repeat across files); bounded in
 * entries and in the length of what is kept, so memory stays small. */
const MEMO_LIMIT = 50_000;
const MEMO_MAX_LENGTH = 128;

export class ManagedSecretDetector implements TextDetector {
  readonly #hmac: HmacSha256Hex;
  readonly #byHmac = new Map<string, Match[]>();
  readonly #lengths = new Set<number>();
  #memo = new Map<string, Match[] | null>();

  constructor(data: ManagedFingerprintData) {
    this.#hmac = hmacSha256Hex(Buffer.from(data.hmacKey, 'base64'));
    for (const entry of data.entries) {
      const ref: ManagedSecretRef = {
        mount: entry.mount,
        path: entry.path,
        key: entry.key,
        version: entry.version,
        currentVersion: entry.currentVersion,
      };
      for (const form of entry.forms) {
        this.#lengths.add(form.length);
        const list = this.#byHmac.get(form.hmac) ?? [];
        list.push({ ref, encoding: form.encoding });
        this.#byHmac.set(form.hmac, list);
      }
    }
  }

  detect(text: string): DetectorHit[] {
    if (this.#lengths.size === 0) return [];
    const hits: DetectorHit[] = [];
    // The same span proposed twice hits twice; `outermost` keeps one.
    forEachCandidate(
      text,
      (n) => this.#lengths.has(n),
      (start, length) => {
        const candidate = text.slice(start, start + length);
        const matches = this.#lookup(candidate);
        if (matches !== null) hits.push(hitOf(start, candidate, matches));
      },
    );
    return outermost(hits);
  }

  #lookup(candidate: string): Match[] | null {
    const known = this.#memo.get(candidate);
    if (known !== undefined) return known;
    const hmac = this.#hmac(candidate);
    const found = this.#byHmac.get(hmac) ?? null;
    if (candidate.length <= MEMO_MAX_LENGTH) {
      if (this.#memo.size >= MEMO_LIMIT) this.#memo = new Map();
      this.#memo.set(candidate, found);
    }
    return found;
  }
}

/** Drops hits inside another hit: `abc=` and its unpadded `abc` are one finding, the longer. */
function outermost(hits: DetectorHit[]): DetectorHit[] {
  if (hits.length < 2) return hits;
  hits.sort((a, b) => a.index - b.index || b.secret.length - a.secret.length);
  const kept: DetectorHit[] = [];
  let end = -1;
  for (const h of hits) {
    if (h.index + h.secret.length <= end) continue;
    kept.push(h);
    end = Math.max(end, h.index + h.secret.length);
  }
  return kept;
}

function hitOf(index: number, secret: string, matches: readonly Match[]): DetectorHit {
  // One ref per managed location (a value may be stored in several places); plain first.
  const refs = new Map<string, ManagedSecretRef>();
  for (const m of matches) refs.set(JSON.stringify([m.ref.mount, m.ref.path, m.ref.key, m.ref.version]), m.ref);
  const managed = [...refs.values()];
  const encoding = matches.some((m) => m.encoding === 'plain') ? undefined : matches[0]!.encoding;
  const live = managed.some((r) => r.version === r.currentVersion);
  const first = managed[0]!;
  const more = managed.length > 1 ? ` and ${managed.length - 1} more managed secret${managed.length > 2 ? 's' : ''}` : '';
  return {
    index,
    secret,
    finding: {
      ruleId: MANAGED_RULE_ID,
      provider: 'Hush',
      description: `Value of managed secret ${describeRef(first)}${more}`,
      // A value still current in Hush is a live credential; an older version's value may be too.
      severity: live ? 'critical' : 'high',
      ...(encoding !== undefined ? { encoding } : {}),
      managed,
    },
  };
}
