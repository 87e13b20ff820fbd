/**
 * @module Turns an HCL syntax tree into plain data, the way Vault reads its server
 * configuration: block labels nest, so `storage "sqlite" { path = "x" }` becomes
 * `{ storage: { sqlite: { path: "x" } } }`. Scalars convert as in policies.
 */
import type { HclNode, HclObject } from '../policy/hcl-parser.js';
import { toValue } from '../policy/policy-parser.js';

export function hclToPlain(node: HclNode): unknown {
  if (node.kind === 'object') return objectToPlain(node);
  if (node.kind === 'list') return node.items.map(hclToPlain);
  return toValue(node);
}

function objectToPlain(obj: HclObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of obj.entries) {
    let target = out;
    let key = entry.key;
    for (const label of entry.labels) {
      const inner = (target[key] ??= {}) as Record<string, unknown>;
      target = inner;
      key = label.value;
    }
    target[key] = hclToPlain(entry.value);
  }
  return out;
}
