/**
 * @module The records the AppRole method keeps: a role (who may log in and what token they get)
 * and a secret ID entry (one credential of a role, stored under the HMAC of the secret ID, never
 * the secret ID itself). Durations are whole seconds, instants Unix milliseconds.
 */

export interface AppRole {
  readonly name: string;
  /** Internal random ID; secret IDs are stored under it, so a role deleted and re-created with
   * the same name does not inherit the old role's secret IDs. */
  readonly uuid: string;
  readonly roleId: string;
  readonly bindSecretId: boolean;
  readonly secretIdBoundCidrs: readonly string[];
  readonly secretIdNumUses: number;
  readonly secretIdTtl: number;
  readonly localSecretIds: boolean;
  readonly tokenPolicies: readonly string[];
  /** Whether the policies came from the deprecated `policies` field (read then shows it too). */
  readonly legacyPolicies: boolean;
  readonly tokenTtl: number;
  readonly tokenMaxTtl: number;
  readonly tokenExplicitMaxTtl: number;
  readonly tokenPeriod: number;
  /** Whether the period came from the deprecated `period` field. */
  readonly legacyPeriod: boolean;
  readonly tokenNumUses: number;
  readonly tokenNoDefaultPolicy: boolean;
  readonly tokenBoundCidrs: readonly string[];
  /** Vault's `token_type` setting (`default`, `service`, `batch`, `default-service`, `default-batch`). */
  readonly tokenType: string;
}

export interface SecretIdEntry {
  readonly accessor: string;
  /** Remaining uses; 0 is unlimited. */
  readonly numUses: number;
  /** The TTL the secret ID was created with; 0 never expires. */
  readonly ttl: number;
  readonly creationTime: number;
  /** 0 when the secret ID never expires. */
  readonly expirationTime: number;
  readonly lastUpdatedTime: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly cidrList: readonly string[];
  readonly tokenBoundCidrs: readonly string[];
}

/** What an accessor index entry points at. */
export interface AccessorEntry {
  readonly secretIdHash: string;
}
