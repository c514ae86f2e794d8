// The build report as pure functions: .ninja_log text and the build's edges in, a report object out, and from it the
// terminal text (with bar charts), Chrome trace JSON, a self-contained HTML page and a comparison of two reports.
// This module is the report's API; its parts live in report/: log.ts (reading the log and ccache's counters),
// analysis.ts and critical.ts (the report), text.ts, trace.ts, html.ts and compare.ts (what is made of it).
export type { BuildShape, CcacheStats, DependencyLogs, Report, ReportDependency, ReportInput, ReportStep, ReportTarget, StepKind } from './report/types.ts';
export { lastBuild, parseCcacheStats, parseNinjaLog, type LogEntry, type ParsedLog } from './report/log.ts';
export { computeReport, concurrency, NoBuildError, slowestCount } from './report/analysis.ts';
export { bar, formatMs, formatReport, type TextOptions } from './report/text.ts';
export { chromeTrace } from './report/trace.ts';
export { asReport, compareReports, CompareError, formatComparison, type Change, type Comparison } from './report/compare.ts';
export { reportHtml } from './report/html.ts';
