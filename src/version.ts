/** @module The product version, reported by `sys/health`, `sys/seal-status` and `hush version`. */
export const HUSH_VERSION = '0.1.0';
