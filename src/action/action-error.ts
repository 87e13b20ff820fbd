/**
 * @module The one failure the action reports: a message that says what went wrong and what to
 * do, shown as a single `::error::` annotation. Messages name paths, keys and inputs, never a
 * secret value or token.
 */
export class ActionError extends Error {
  override readonly name = 'ActionError';
}
