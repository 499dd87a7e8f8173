// The records and repository contracts of the money side: postback secrets, conversions and
// their events, commission terms, the commission ledger and closed statement periods.
// Times cross this boundary as Date (stored as UTC milliseconds); money as integer minor units
// beside an ISO 4217 currency code.

export type ConversionKind = 'sale' | 'lead';
export type ConversionStatus = 'pending' | 'approved' | 'rejected' | 'reversed';
export type ConversionSource = 'postback' | 'import' | 'pull' | 'operator';
export type CommissionModel = 'cps' | 'cpa_sale' | 'cpa_lead' | 'cpc';
/** Ledger buckets. `reversed` entries are negative: money taken back from what was approved. */
export type CommissionBucket = 'pending' | 'approved' | 'reversed';

export interface PostbackSecrets {
  current: string;
  /** The secret before the last rotation, still accepted until `previousValidUntil`. */
  previous: string | null;
  previousValidUntil: Date | null;
}

export interface Conversion {
  id: number;
  siteId: number;
  /** The clicks row the conversion is attributed to. */
  clickId: number;
  orderId: string;
  kind: ConversionKind;
  amountMinor: number;
  currency: string;
  status: ConversionStatus;
  occurredAt: Date;
  /** The commission term in force at `occurredAt` when the conversion was first recorded; null when none was. */
  termId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewConversion {
  siteId: number;
  clickId: number;
  orderId: string;
  kind: ConversionKind;
  amountMinor: number;
  currency: string;
  status: ConversionStatus;
  occurredAt: Date;
  termId: number | null;
  now: Date;
}

export interface ConversionEvent {
  id: number;
  conversionId: number;
  source: ConversionSource;
  /** When the change happened according to its source (a postback's `ts`). */
  occurredAt: Date;
  recordedAt: Date;
  statusBefore: ConversionStatus | null;
  statusAfter: ConversionStatus;
  amountBefore: number | null;
  amountAfter: number;
}

export type NewConversionEvent = Omit<ConversionEvent, 'id'>;

export interface CommissionTerm {
  id: number;
  siteId: number;
  /** From this instant on (inclusive) the term applies; it never rewrites conversions before it. */
  effectiveFrom: Date;
  model: CommissionModel;
  /** CPS rate in basis points (8.5% = 850); null for flat models. */
  rateBp: number | null;
  /** CPA/CPC flat amount in minor units of `currency`; null for CPS. */
  flatMinor: number | null;
  currency: string | null;
  /** Portal category slug of the clicked deal this term is limited to; null for every category. */
  category: string | null;
  createdAt: Date;
}

export type NewCommissionTerm = Omit<CommissionTerm, 'id' | 'createdAt'> & { now: Date };

export interface CommissionEntry {
  id: number;
  siteId: number;
  /** Null for entries not tied to one conversion (CPC commission written when a month closes). */
  conversionId: number | null;
  eventId: number | null;
  source: 'conversion' | 'cpc';
  bucket: CommissionBucket;
  amountMinor: number;
  currency: string;
  /** The statement month (UTC, `YYYY-MM`) the entry counts in. */
  period: string;
  /** The month the event happened in; differs from `period` when that month was already closed. */
  originalPeriod: string;
  effectiveAt: Date;
  /** How the amount was computed, e.g. `cps 850bp × 6801 = 578.085 → 578 (half-up)`. */
  explanation: string;
  createdAt: Date;
}

export type NewCommissionEntry = Omit<CommissionEntry, 'id' | 'createdAt'>;

/** What attribution needs of a click. */
export interface ClickForAttribution {
  id: number;
  /** The public click id it was issued under; a postback's must equal it. */
  token: string;
  siteId: number;
  createdAt: Date;
  /** The deal's category when the shopper clicked. */
  dealCategory: string | null;
}

export interface StatementPeriod {
  siteId: number;
  period: string;
  closedAt: Date;
  /**
   * The statement as it stood when the month closed (JSON of revenue/statements' Statement); null
   * while closing is under way (the month takes no new entries from the moment the row exists).
   */
  snapshot: string | null;
}

export interface BillableClickCounts {
  total: number;
  bots: number;
  duplicates: number;
  billable: number;
}

/** A click as its site's owner sees it: nothing about the visitor (address hash, user agent, referrer). */
export interface SiteClick {
  /** The public click id the site received on the click-out. */
  token: string;
  dealId: number;
  createdAt: Date;
  city: string | null;
  subId: string | null;
  isBot: boolean;
  isDuplicate: boolean;
}

/** A conversion with the public click id it is attributed to. */
export interface SiteConversion extends Conversion {
  clickToken: string;
}

/** Where a walk of a site's conversions, newest first, has got to: the last one read. */
export interface ConversionPosition {
  occurredAt: Date;
  id: number;
}

export interface ConversionTotals {
  currency: string;
  conversions: number;
  sales: number;
  leads: number;
  /** Sale amounts of conversions that are not rejected or reversed. */
  salesMinor: number;
}

export interface BucketTotals {
  currency: string;
  bucket: CommissionBucket;
  source: 'conversion' | 'cpc';
  amountMinor: number;
  /** Part of amountMinor moved here from an earlier, already closed month. */
  adjustmentMinor: number;
}

/**
 * One IMMEDIATE transaction over the money tables. Its methods are synchronous on purpose: the
 * work runs without yielding, so two postbacks for the same order are strictly serialized (and
 * another process waits on SQLite's lock).
 */
export interface RevenueTransaction {
  /** Remembers a signature until `expiresAt`; false when it was already remembered (a replay). */
  rememberSignature(siteId: number, signature: string, now: Date, expiresAt: Date): boolean;
  findClick(id: number): ClickForAttribution | null;
  attributionWindowDays(siteId: number): number;
  findConversion(siteId: number, orderId: string): Conversion | null;
  /** Inserts the conversion; null when (site, order id) already exists. */
  insertConversion(conversion: NewConversion): Conversion | null;
  updateConversion(id: number, change: { status: ConversionStatus; amountMinor: number; now: Date }): Conversion;
  insertEvent(event: NewConversionEvent): ConversionEvent;
  findTerm(id: number): CommissionTerm | null;
  /** The term in force at `at` for one of `models`; a term of `category` wins over an all-category one. */
  termAt(siteId: number, models: CommissionModel[], category: string | null, at: Date): CommissionTerm | null;
  isPeriodClosed(siteId: number, period: string): boolean;
  insertEntries(entries: NewCommissionEntry[]): void;
}

export interface RevenueRepository {
  /** Sets a new postback secret; the old one stays valid until `previousValidUntil` (null: not at all). */
  rotatePostbackSecret(siteId: number, secret: string, now: Date, previousValidUntil: Date | null): Promise<void>;
  postbackSecrets(siteId: number): Promise<PostbackSecrets | null>;
  addTerm(term: NewCommissionTerm): Promise<CommissionTerm>;
  listTerms(siteId: number): Promise<CommissionTerm[]>;
  /** Every site's CPC terms, by site, then effective_from. */
  listCpcTerms(): Promise<CommissionTerm[]>;
  /** Runs `work` in one IMMEDIATE transaction; a throw rolls everything back. */
  transaction<T>(work: (tx: RevenueTransaction) => T): T;
  listEvents(conversionId: number): Promise<ConversionEvent[]>;
  listEntries(siteId: number): Promise<CommissionEntry[]>;
  findConversion(siteId: number, orderId: string): Promise<Conversion | null>;
  countConversions(siteId: number): Promise<number>;
  // Statement reads: [start, end) are UTC instants of the month.
  clickCounts(siteId: number, start: Date, end: Date): Promise<BillableClickCounts>;
  conversionTotals(siteId: number, start: Date, end: Date): Promise<ConversionTotals[]>;
  /** One page of the site's clicks in [start, end), newest first; clickCounts().total counts them all. */
  listClicks(siteId: number, start: Date, end: Date, limit: number, offset: number): Promise<SiteClick[]>;
  /** One page of the site's conversions that happened in [start, end), newest first. */
  listConversions(siteId: number, start: Date, end: Date, limit: number, offset: number): Promise<SiteConversion[]>;
  /**
   * The next page of the site's conversions that happened at or after `start`, newest first, strictly
   * after `before` (earlier, or as early with a smaller id): a walk that continues from its last row
   * neither repeats nor skips a row when another is recorded meanwhile.
   */
  listConversionsBefore(siteId: number, start: Date, before: ConversionPosition, limit: number): Promise<SiteConversion[]>;
  /** Every conversion that happened in [start, end), whatever its status. */
  countConversionsIn(siteId: number, start: Date, end: Date): Promise<number>;
  entryTotals(siteId: number, period: string): Promise<BucketTotals[]>;
  /** Pending outstanding at the end of `period`: every pending entry of that period and earlier. */
  pendingThrough(siteId: number, period: string): Promise<{ currency: string; amountMinor: number }[]>;
  findClosedPeriod(siteId: number, period: string): Promise<StatementPeriod | null>;
  /** The site's latest closed month (`YYYY-MM`), or null when none is closed. */
  latestClosedPeriod(siteId: number): Promise<string | null>;
  /** Marks the month closed (no new entries land in it from now on); returns its row, new or existing. */
  markPeriodClosed(siteId: number, period: string, closedAt: Date): Promise<StatementPeriod>;
  /** Stores the closed month's snapshot and its CPC entries in one transaction, once. */
  finishClosedPeriod(closing: { siteId: number; period: string; snapshot: string; cpcEntries: NewCommissionEntry[] }): Promise<void>;
}
