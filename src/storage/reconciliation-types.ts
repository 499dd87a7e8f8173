// Records and repository contracts of reconciliation (an operator's upload of a partner's order
// report, previewed against what the portal recorded, then applied) and of order pulls (the
// portal asking a partner's order-query URL for a time window).
import type { ConversionKind, ConversionStatus } from './revenue-types';

/** How one partner's CSV order report is read; remembered per site and pre-filled next time. */
export interface ReportMapping {
  /** 'auto': UTF-8 (with or without BOM), else GB18030; or a declared charset. */
  encoding: 'auto' | 'utf-8' | 'gb18030';
  delimiter: ',' | ';' | '\t';
  /** Header names of the columns, exactly as in the report's first row. */
  orderIdColumn: string;
  clickIdColumn: string;
  amountColumn: string;
  /** 'major': "128.50"; 'minor': "12850" (fen). */
  amountUnit: 'major' | 'minor';
  /** The currency column; when null every amount is in `fixedCurrency`. */
  currencyColumn: string | null;
  fixedCurrency: string;
  statusColumn: string;
  /** The partner's status words (compared trimmed and case-insensitively) to the portal's statuses. */
  statusWords: Record<string, ConversionStatus>;
  orderTimeColumn: string;
  /** IANA zone for order times without an offset (the site's zone). */
  timeZone: string;
  /**
   * The column saying sale or lead (its words: see KIND_WORDS in revenue/reconciliation/mapping.ts);
   * null or absent (mappings saved before it existed): every order is a sale.
   */
  kindColumn?: string | null;
}

export interface StoredReportMapping {
  siteId: number;
  mapping: ReportMapping;
  /** The header row of the last report read with it, offered as suggestions. */
  lastHeaders: string[];
  updatedAt: Date;
}

export type ReconciliationCategory = 'matched' | 'mismatch' | 'unknown_click' | 'new' | 'missing';
export type ReconciliationOutcome = 'applied' | 'unchanged' | 'refused' | 'skipped';

export interface ReconciliationRow {
  position: number;
  /** The report's line (1 = header); null for orders the report does not have. */
  line: number | null;
  category: ReconciliationCategory;
  orderId: string;
  clickToken: string | null;
  /** The report's view; null for a `missing` row. */
  amountMinor: number | null;
  currency: string | null;
  status: ConversionStatus | null;
  /** Sale or lead as reported; null for a `missing` row. */
  kind: ConversionKind | null;
  occurredAt: Date | null;
  /** The portal's view; null when the portal has no such order. */
  portalStatus: ConversionStatus | null;
  portalAmountMinor: number | null;
  portalCurrency: string | null;
  /** True when applying the report's view would be accepted by the conversion rules at preview time. */
  applicable: boolean;
  problemCode: string | null;
  problem: string | null;
  outcome: ReconciliationOutcome | null;
  outcomeCode: string | null;
  outcomeMessage: string | null;
}

export type NewReconciliationRow = Omit<ReconciliationRow, 'outcome' | 'outcomeCode' | 'outcomeMessage'>;

export interface RowOutcome {
  position: number;
  outcome: ReconciliationOutcome;
  code: string | null;
  message: string | null;
}

export type ReconciliationImportStatus = 'previewed' | 'applying' | 'applied';

export interface ReconciliationImport {
  id: number;
  siteId: number;
  fileName: string;
  charset: string;
  orders: number;
  /** The period whose recorded conversions were compared: [periodStart, periodEnd). */
  periodStart: Date;
  periodEnd: Date;
  mapping: ReportMapping;
  status: ReconciliationImportStatus;
  createdByUserId: number | null;
  createdAt: Date;
  appliedAt: Date | null;
  appliedByUserId: number | null;
}

export type NewReconciliationImport = Omit<ReconciliationImport, 'id' | 'status' | 'appliedAt' | 'appliedByUserId'>;

export interface ReconciliationRepository {
  findMapping(siteId: number): Promise<StoredReportMapping | null>;
  saveMapping(siteId: number, mapping: ReportMapping, headers: string[], now: Date): Promise<void>;
  /** Stores a previewed import with its rows in one transaction. */
  insertImport(batch: NewReconciliationImport, rows: NewReconciliationRow[]): Promise<ReconciliationImport>;
  findImport(id: number): Promise<ReconciliationImport | null>;
  listImports(siteId: number, limit: number): Promise<ReconciliationImport[]>;
  listRows(importId: number): Promise<ReconciliationRow[]>;
  /** previewed → applying; false when another request already claimed (or finished) it. */
  claimImport(id: number): Promise<boolean>;
  /** applying → previewed, after an apply that failed part way (what it applied stays, and is idempotent). */
  releaseImport(id: number): Promise<void>;
  /** Stores applied rows' outcomes, in one transaction. */
  recordOutcomes(importId: number, outcomes: RowOutcome[]): Promise<void>;
  finishImport(id: number, userId: number | null, at: Date): Promise<void>;
  /** The site's conversions that happened in [start, end), with the public click id they name. */
  conversionsInPeriod(siteId: number, start: Date, end: Date): Promise<RecordedConversion[]>;
}

export interface RecordedConversion {
  orderId: string;
  clickToken: string;
  amountMinor: number;
  currency: string;
  status: ConversionStatus;
  occurredAt: Date;
}

/** A partner's order-query URL, polled on a schedule. */
export interface OrderPullSource {
  siteId: number;
  url: string;
  intervalMinutes: number;
  /** Each pull asks for at least the last this-many hours, so late status changes are read again. */
  windowHours: number;
  nextPullAt: Date;
  /** End of the window of the last pull that succeeded; a later pull reaches back to it (minus an overlap). */
  lastOkWindowEnd: Date | null;
  updatedAt: Date;
}

export type OrderPullTrigger = 'schedule' | 'manual';

export interface OrderPullCounts {
  orders: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export interface OrderPullRun extends OrderPullCounts {
  id: number;
  siteId: number;
  trigger: OrderPullTrigger;
  windowStart: Date;
  windowEnd: Date;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'running' | 'ok' | 'failed';
  httpStatus: number | null;
  format: 'json' | 'csv' | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The first refused orders, with why. */
  problems: { orderId: string; code: string; message: string }[];
}

export interface OrderPullRepository {
  setSource(siteId: number, source: { url: string; intervalMinutes: number; windowHours: number }, now: Date): Promise<OrderPullSource>;
  removeSource(siteId: number): Promise<boolean>;
  findSource(siteId: number): Promise<OrderPullSource | null>;
  /** Sources of active sites whose next pull is due. */
  listDue(now: Date, limit: number): Promise<OrderPullSource[]>;
  startRun(run: { siteId: number; trigger: OrderPullTrigger; windowStart: Date; windowEnd: Date; startedAt: Date }): Promise<number>;
  finishRun(id: number, result: {
    finishedAt: Date;
    outcome: 'ok' | 'failed';
    httpStatus: number | null;
    format: 'json' | 'csv' | null;
    counts: OrderPullCounts;
    errorCode: string | null;
    errorMessage: string | null;
    problems: OrderPullRun['problems'];
  }): Promise<void>;
  /** After a run: when the next is due, and (after a success) the window end it reached. */
  scheduleNext(siteId: number, nextPullAt: Date, okWindowEnd: Date | null): Promise<void>;
  listRuns(siteId: number, limit: number): Promise<OrderPullRun[]>;
}
