import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import type { ReportData } from './report-data';
import { renderReportBody } from './report-html';
import { renderReportMarkdown } from './report-markdown';
import { standaloneReportPage } from './report-style';

export interface WrittenReport {
  html: string;
  markdown: string;
  /** The CI job summary the Markdown was appended to ($GITHUB_STEP_SUMMARY), if any. */
  stepSummary?: string;
}

/** `<artifact root>/report/index.html` and `report.md`. */
export function reportDir(artifactRoot: string): string {
  return path.join(artifactRoot, 'report');
}

/**
 * Write both files; with `GITHUB_STEP_SUMMARY` set (GitHub Actions), append the Markdown to the job
 * summary as well. GitLab has no such file: its jobs publish report.md as an artifact.
 */
export function writeReport(artifactRoot: string, data: ReportData, env: NodeJS.ProcessEnv = process.env): WrittenReport {
  const dir = reportDir(artifactRoot);
  const html = path.join(dir, 'index.html');
  const markdown = path.join(dir, 'report.md');
  const title = `PGO report: ${data.components.map((c) => c.component).join(', ')}`;
  const md = renderReportMarkdown(data);
  writeFileAtomic(html, standaloneReportPage(renderReportBody(data), title));
  writeFileAtomic(markdown, md);
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary) {
    fs.appendFileSync(summary, `${md}\n`);
    return { html, markdown, stepSummary: summary };
  }
  return { html, markdown };
}
