// One line that tells a person what a crawl did.
import type { CrawlReport } from '../../crawlers/ingest/crawl-feed';

export function describeReport(report: CrawlReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  if (report.outcome === 'failed') return `failed (${report.error?.code}): ${report.error?.message} [${seconds}s]`;
  if (report.outcome === 'not_modified') return `not modified [${seconds}s]`;
  const counts = report.counts!;
  const skipped = report.skipped.length ? `, ${report.skipped.length} skipped` : '';
  return `${report.format}: ${report.itemsSeen} items, ${counts.added} added, ${counts.updated} updated, `
    + `${counts.unchanged} unchanged, ${counts.removed} removed${skipped} [${seconds}s]`;
}
