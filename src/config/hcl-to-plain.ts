/**
 * @module Turns an HCL syntax tree into plain data, the way Vault reads its server
 * configuration: `storage "sqlite" { path = "x" }` becomes `{ storage: { sqlite: { path: "x" } } }`.
 */
import type { HclNode, HclObject } from '../policy/hcl-parser.js';

export function hclToPlain(node: HclNode): unknown {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return node.value;
    case 'null':
      return null;
    case 'list':
      return node.items.map(hclToPlain);
    case 'object':
      return objectToPlain(node);
  }
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
