// Records and repository contracts for credibility (issue 7): what the portal measures about each
// partner site, the shopper reports, the daily scores and the operator alerts.

export type LinkOutcome = 'ok' | 'dead' | 'home_redirect' | 'sold_out' | 'skipped';
export type PriceOutcome = 'match' | 'mismatch';

/** A live deal the link checker may fetch. */
export interface DealToCheck {
  id: number;
  siteId: number;
  title: string;
  url: string;
  priceMinor: number;
  currency: string;
  soldOut: boolean;
}

export interface NewLinkCheck {
  dealId: number;
  siteId: number;
  checkedAt: Date;
  url: string;
  outcome: LinkOutcome;
  httpStatus: number | null;
  finalUrl: string | null;
  errorCode: string | null;
  feedPriceMinor: number;
  pagePriceMinor: number | null;
  currency: string;
  priceOutcome: PriceOutcome | null;
}

export interface LinkCheck extends NewLinkCheck {
  id: number;
  dealTitle: string;
}

export const REPORT_REASONS = ['closed_shop', 'wrong_price', 'no_voucher', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export type ReportStatus = 'open' | 'resolved' | 'dismissed';

export interface NewShopperReport {
  dealId: number;
  siteId: number;
  reason: ReportReason;
  details: string | null;
  ipHash: string;
  createdAt: Date;
}

export interface ShopperReport {
  id: number;
  dealId: number;
  dealTitle: string;
  siteId: number;
  siteName: string;
  reason: ReportReason;
  details: string | null;
  createdAt: Date;
  status: ReportStatus;
  resolvedAt: Date | null;
}

/** A deal a feed listed after its end time, kept as a sample for the site's owner. */
export interface ExpiredSample {
  externalId: string;
  title: string;
  endsAt: string;
}

export interface NewExpiredCount {
  crawlRunId: number;
  feedId: number;
  siteId: number;
  at: Date;
  listed: number;
  expired: number;
  sample: ExpiredSample[];
}

export type InflationReason = 'worth_above_median' | 'implausible_discount';

/** Per live deal: the same offer's median price on other sites, and why its worth looks inflated. */
export interface DealFlag {
  dealId: number;
  siteId: number;
  offerMedianMinor: number | null;
  offerWorthMedianMinor: number | null;
  offerSites: number;
  currency: string;
  reason: InflationReason | null;
}

/** What a deal card needs of a flag: the listing shows the price against the offer's median instead of the site's worth. */
export type CardFlag = Pick<DealFlag, 'dealId' | 'siteId' | 'offerMedianMinor' | 'currency' | 'reason'>;

/** What a deal needs for the inflation check, read from the live listing. */
export interface OfferMember {
  id: number;
  siteId: number;
  offerKey: string | null;
  priceMinor: number;
  valueMinor: number | null;
  currency: string;
  category: string | null;
  discountPercent: number | null;
  /** The site is active (listed): only listed sites' prices and worths make an offer's medians. */
  listed: boolean;
}

/** Everything the score is computed from, for one site, as counted at `now`. */
export interface SiteSignals {
  siteId: number;
  slug: string;
  name: string;
  status: string;
  ownerUserId: number | null;
  /** Feed reliability: crawl runs of the last 30 days and how many succeeded (ok or not modified). */
  crawlRuns: number;
  crawlRunsSucceeded: number;
  lastSuccessAt: Date | null;
  /** Last crawl that added, updated or removed a deal. */
  lastChangeAt: Date | null;
  /** Failed runs since the last success, and when the first of them started. */
  failingSince: Date | null;
  liveDeals: number;
  /** Link health, last 30 days, 'skipped' checks left out. */
  linkChecks: number;
  linkDead: number;
  linkHomeRedirect: number;
  linkSoldOut: number;
  /** Price truth, last 30 days. */
  pricesCompared: number;
  priceMismatches: number;
  /** Shopper reports not dismissed, last 30 days: distinct deals reported, and reports in the last 24 h. */
  reportedDeals: number;
  reportsLastDay: number;
  openReports: number;
  /** Sales outcomes, conversions of the last 90 days. */
  conversions: number;
  conversionsReversed: number;
  /** Expired listings in the latest crawl that parsed the feed. */
  expiredListed: number | null;
  expiredCount: number | null;
  /** Live deals that give a worth, and how many of them are flagged as inflated (as of the last flagging). */
  dealsWithWorth: number;
  inflatedDeals: number;
}

export interface StoredScore {
  siteId: number;
  day: string;
  score: number | null;
  parts: unknown;
  computedAt: Date;
  /** The site's slug (read back with the score; ignored when saving). */
  slug?: string;
}

export interface CredibilityAlert {
  id: number;
  siteId: number;
  siteName: string;
  rule: string;
  detail: string;
  openedAt: Date;
  closedAt: Date | null;
  notifiedAt: Date | null;
}

export interface CredibilityRepository {
  /** Up to `limit` live deals of the site, those checked longest ago (or never) first. */
  dealsToCheck(siteId: number, now: Date, limit: number): Promise<DealToCheck[]>;
  recordLinkCheck(check: NewLinkCheck): Promise<void>;
  /** When each site's links were last checked (sites never checked are absent). */
  lastLinkCheckBySite(): Promise<Map<number, Date>>;
  /** The site's checks since `since` whose link or price was bad, newest first. */
  problemLinkChecks(siteId: number, since: Date, limit: number): Promise<LinkCheck[]>;

  insertReport(report: NewShopperReport): Promise<number>;
  /** Reports of a deal since `since` (for the per-deal limit). */
  countReportsForDeal(dealId: number, since: Date): Promise<number>;
  listReports(filter: { status?: ReportStatus; siteId?: number }, limit: number): Promise<ShopperReport[]>;
  findReport(id: number): Promise<ShopperReport | null>;
  /** Sets the status of an open report; false when it was not open. */
  closeReport(id: number, status: 'resolved' | 'dismissed', by: number, at: Date): Promise<boolean>;

  recordExpired(count: NewExpiredCount): Promise<void>;
  latestExpired(siteId: number): Promise<NewExpiredCount | null>;

  /**
   * Live deals with a discount over `minDiscount` percent, and those selling an offer also sold on
   * another site; with `siteIds`, only those sites' such deals and every member of their offers.
   */
  offerMembers(now: Date, minDiscount: number, siteIds?: number[]): Promise<OfferMember[]>;
  /**
   * Replaces the flagged deals with those of `flags` that have a reason (unflagged ones are not
   * kept); with `siteIds`, only the flags of those sites and of the deals in `flags`.
   */
  replaceDealFlags(flags: DealFlag[], at: Date, siteIds?: number[]): Promise<void>;
  /** The deal's inflation flag, null when it is not flagged. */
  findDealFlag(dealId: number): Promise<DealFlag | null>;
  /** Every flagged deal, for the deal cards (one read per reload of the scores, not one per card). */
  flaggedDeals(): Promise<CardFlag[]>;
  /** The site's flagged deals that are still live. */
  inflatedDeals(siteId: number, now: Date, limit: number): Promise<{ dealId: number; title: string; reason: InflationReason; valueMinor: number | null; priceMinor: number; offerWorthMedianMinor: number | null; currency: string }[]>;

  /** Every active or suspended site's measurements (or only `siteId`'s). */
  siteSignals(now: Date, siteId?: number): Promise<SiteSignals[]>;
  /** Recent failed crawl runs of the site's feeds, newest first. */
  failedRuns(siteId: number, since: Date, limit: number): Promise<{ feedId: number; at: Date; code: string | null; message: string | null }[]>;

  saveScore(score: StoredScore): Promise<void>;
  /** Each site's latest stored score. */
  latestScores(): Promise<StoredScore[]>;
  scoreHistory(siteId: number, limit: number): Promise<StoredScore[]>;

  /** Opens the alert unless one is open for that site and rule; true when it opened one. */
  openAlert(siteId: number, rule: string, detail: string, at: Date): Promise<boolean>;
  closeAlert(siteId: number, rule: string, at: Date): Promise<void>;
  openAlerts(): Promise<CredibilityAlert[]>;
  /** Alerts no digest has mentioned yet, open or closed since, marked as mentioned at `at`. */
  takeUnnotifiedAlerts(at: Date): Promise<CredibilityAlert[]>;
}
