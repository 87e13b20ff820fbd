/**
 * @module The scanner's version, reported in SARIF output.
 */
export const SCANNER_VERSION = '0.1.0';
