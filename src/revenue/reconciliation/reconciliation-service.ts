// Reconciliation of a partner's order report: read the upload under the site's mapping, preview it
// against the recorded conversions (stored as a pending import, nothing applied), then apply the
// corrections an operator ticked as conversion events through the postback's own path.
import type { AuditService } from '../../accounts/audit';
import type { ReconciliationImport, ReconciliationRow, ReportMapping, RowOutcome, Site, Storage } from '../../storage';
import { RevenueError } from '../errors';
import type { PostbackService } from '../postback';
import { decodeReport } from './decode-report';
import { defaultMapping } from './mapping';
import { parseReport, REPORT_LIMITS, type ReportLimits } from './parse-report';
import { reportPeriod, startOfDay } from './period';
import { previewRows } from './preview';
import { ReportError, type ReportProblem } from './report-error';
import { conversionChange, type ReportedOrder } from './reported-order';

export interface ReportUpload {
  fileName: string;
  bytes: Uint8Array;
  /** The upload went past the byte cap and was cut. */
  truncated: boolean;
}

export interface PreviewRequest {
  site: Site;
  upload: ReportUpload | null;
  mapping: ReportMapping;
  /** Days (YYYY-MM-DD, in the mapping's zone) the report covers; by default the days of its orders. */
  periodFrom: string | null;
  periodTo: string | null;
  actorUserId: number | null;
}

export type PreviewOutcome = { ok: true; batch: ReconciliationImport } | { ok: false; problems: ReportProblem[]; headers: string[] };

export interface ApplySummary {
  applied: number;
  unchanged: number;
  refused: number;
  skipped: number;
}

const OUTCOME_BATCH = 500;

/** The categories whose rows are corrections an operator can apply. */
export const CORRECTABLE = new Set<ReconciliationRow['category']>(['mismatch', 'new']);

export class ReconciliationService {
  constructor(
    private readonly storage: Storage,
    private readonly postbacks: PostbackService,
    private readonly audit: AuditService,
    private readonly clock: () => Date = () => new Date(),
    private readonly limits: ReportLimits = REPORT_LIMITS,
  ) {}

  /** The site's remembered mapping, or a first guess in the zone of the site's feed. */
  async mappingFor(site: Site): Promise<{ mapping: ReportMapping; lastHeaders: string[]; remembered: boolean }> {
    const stored = await this.storage.reconciliation.findMapping(site.id);
    if (stored) return { mapping: stored.mapping, lastHeaders: stored.lastHeaders, remembered: true };
    const feeds = await this.storage.feeds.listForSite(site.id);
    const zone = feeds.find((feed) => feed.timeZone)?.timeZone ?? undefined;
    return { mapping: defaultMapping(zone), lastHeaders: [], remembered: false };
  }

  async preview(request: PreviewRequest): Promise<PreviewOutcome> {
    const { site, mapping } = request;
    let headers: string[] = [];
    try {
      const bytes = this.checkUpload(request.upload);
      const { text, charset } = decodeReport(bytes, mapping.encoding);
      const parsed = parseReport(text, mapping, this.limits);
      headers = parsed.headers;
      if (!parsed.ok) return { ok: false, problems: parsed.problems, headers };
      const period = this.period(parsed.orders, mapping.timeZone, request.periodFrom, request.periodTo);
      const now = this.clock();
      const recorded = await this.storage.reconciliation.conversionsInPeriod(site.id, period.start, period.end);
      const rows = await previewRows(site.id, parsed.orders, recorded, { storage: this.storage, postbacks: this.postbacks, now });
      await this.rememberMapping(site, mapping, headers, request.actorUserId, now);
      const batch = await this.storage.reconciliation.insertImport({
        siteId: site.id, fileName: request.upload!.fileName.slice(0, 200), charset, orders: parsed.orders.length,
        periodStart: period.start, periodEnd: period.end, mapping, createdByUserId: request.actorUserId, createdAt: now,
      }, rows);
      await this.audit.record({
        actorUserId: request.actorUserId, action: 'recon.preview', subject: `recon_import:${batch.id}`,
        after: { site: site.slug, file: batch.fileName, charset, orders: batch.orders, categories: countCategories(rows) },
      });
      return { ok: true, batch };
    } catch (error) {
      if (error instanceof ReportError) return { ok: false, problems: [error.problem], headers };
      throw error;
    }
  }

  /**
   * Applies the ticked corrections, each through the postback's path tagged 'import'. An import
   * is applied once: a second request (a double submit, a reload) changes nothing.
   */
  async apply(importId: number, positions: number[], actorUserId: number | null): Promise<{ summary: ApplySummary; alreadyApplied: boolean }> {
    const batch = await this.storage.reconciliation.findImport(importId);
    if (!batch) throw new RevenueError(404, 'DN_ERR_RECON_IMPORT_NOT_FOUND', `No reconciliation import #${importId}`);
    if (!(await this.storage.reconciliation.claimImport(importId))) {
      return { summary: summarize(await this.storage.reconciliation.listRows(importId)), alreadyApplied: true };
    }
    try {
      await this.applyRows(importId, batch.siteId, new Set(positions));
    } catch (error) {
      // Whatever was applied stays (and applying it again changes nothing): the import can be applied again.
      await this.storage.reconciliation.releaseImport(importId);
      throw error;
    }
    const now = this.clock();
    await this.storage.reconciliation.finishImport(importId, actorUserId, now);
    const summary = summarize(await this.storage.reconciliation.listRows(importId));
    await this.audit.record({ actorUserId, action: 'recon.apply', subject: `recon_import:${importId}`, after: { siteId: batch.siteId, ...summary } });
    return { summary, alreadyApplied: false };
  }

  private async applyRows(importId: number, siteId: number, chosen: Set<number>): Promise<void> {
    let outcomes: RowOutcome[] = [];
    for (const row of await this.storage.reconciliation.listRows(importId)) {
      if (!CORRECTABLE.has(row.category)) continue;
      outcomes.push(chosen.has(row.position)
        ? { position: row.position, ...await this.applyRow(siteId, row) }
        : { position: row.position, outcome: 'skipped', code: null, message: null });
      // Outcomes are written in batches: one commit per row would double the cost of applying.
      if (outcomes.length >= OUTCOME_BATCH) {
        await this.storage.reconciliation.recordOutcomes(importId, outcomes);
        outcomes = [];
      }
    }
    await this.storage.reconciliation.recordOutcomes(importId, outcomes);
  }

  private async applyRow(siteId: number, row: ReconciliationRow) {
    const order: ReportedOrder = {
      line: row.line ?? 0, orderId: row.orderId, clickToken: row.clickToken ?? '', amountMinor: row.amountMinor!,
      currency: row.currency!, status: row.status!, kind: row.kind ?? 'sale', occurredAt: row.occurredAt!,
    };
    const now = this.clock();
    const existing = await this.storage.revenue.findConversion(siteId, order.orderId);
    try {
      const result = this.postbacks.applyChange(conversionChange(siteId, order, existing, now, 'import'));
      return { outcome: result.duplicate ? 'unchanged' as const : 'applied' as const, code: null, message: null };
    } catch (error) {
      if (!(error instanceof RevenueError)) throw error;
      return { outcome: 'refused' as const, code: error.code, message: error.message };
    }
  }

  private checkUpload(upload: ReportUpload | null): Uint8Array {
    if (!upload || upload.bytes.byteLength === 0) throw new ReportError('report', 'no_file');
    if (upload.truncated || upload.bytes.byteLength > this.limits.maxBytes) {
      throw new ReportError('report', 'too_large', { max: Math.round(this.limits.maxBytes / 1024 / 1024) });
    }
    return upload.bytes;
  }

  private period(orders: ReportedOrder[], timeZone: string, from: string | null, to: string | null) {
    if (from !== null && !startOfDay(from, timeZone)) throw new ReportError('periodFrom', 'bad_date', { value: from });
    if (to !== null && !startOfDay(to, timeZone)) throw new ReportError('periodTo', 'bad_date', { value: to });
    const period = reportPeriod(orders, timeZone, from, to);
    if (period.end <= period.start) throw new ReportError('periodTo', 'bad_date', { value: to ?? '' });
    return period;
  }

  private async rememberMapping(site: Site, mapping: ReportMapping, headers: string[], actorUserId: number | null, now: Date): Promise<void> {
    const before = await this.storage.reconciliation.findMapping(site.id);
    await this.storage.reconciliation.saveMapping(site.id, mapping, headers, now);
    if (JSON.stringify(before?.mapping) !== JSON.stringify(mapping)) {
      await this.audit.record({ actorUserId, action: 'recon.mapping', subject: `site:${site.id}`, before: before?.mapping ?? null, after: mapping });
    }
  }
}

export function summarize(rows: ReconciliationRow[]): ApplySummary {
  const summary: ApplySummary = { applied: 0, unchanged: 0, refused: 0, skipped: 0 };
  for (const row of rows) if (row.outcome) summary[row.outcome] += 1;
  return summary;
}

export function countCategories(rows: { category: ReconciliationRow['category'] }[]): Record<ReconciliationRow['category'], number> {
  const counts = { matched: 0, mismatch: 0, unknown_click: 0, new: 0, missing: 0 };
  for (const row of rows) counts[row.category] += 1;
  return counts;
}
