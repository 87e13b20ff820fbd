/**
 * @module The table of reporters by `--format` name.
 */
import { jsonReport } from './json-reporter.js';
import { junitReport } from './junit-reporter.js';
import type { ReportFormat, Reporter } from './report-format.js';
import { sarifReport } from './sarif-reporter.js';
import { textReport } from './text-reporter.js';

export const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  junit: junitReport,
};
