// The records storage hands to the rest of dealnav, and the repository contracts it keeps.
// Callers see only these; the SQLite implementation lives in ./sqlite, and another backend
// (PostgreSQL) would implement the same interfaces. Times cross this boundary as Date.
import type { Branch, DealRecord, HtmlSelectors } from '../../crawlers/types';
import type { AuditLogRepository, SessionsRepository, SignInThrottleRepository, SiteApiTokensRepository, UsersRepository } from './account-types';
import type { RevenueRepository } from './revenue-types';
import type { OrderPullRepository, ReconciliationRepository } from './reconciliation-types';
import type { CredibilityRepository } from './credibility-types';
import type { ReportsRepository } from './report-types';

export type SiteStatus = 'pending' | 'active' | 'suspended' | 'rejected';

export interface Site {
  id: number;
  slug: string;
  name: string;
  homeUrl: string;
  status: SiteStatus;
  /** Query parameter that carries our click id to the site (`clickParam=dnclick`). */
  clickParam: string | null;
  /** Or a template such as `{url}&ref={clickId}`; wins over clickParam when both are set. */
  clickTemplate: string | null;
  /** The site owner's user id; null for sites registered from the command line. */
  ownerUserId: number | null;
  /** Why an operator rejected or suspended the site, shown to its owner; null otherwise. */
  statusReason: string | null;
  /** The token the owner places on the site to prove it is theirs; null until one is issued. */
  verificationToken: string | null;
  /** When ownership of the domain was proven; null while unverified. */
  verifiedAt: Date | null;
  /** Days after a click in which a conversion may still be attributed to it. */
  attributionWindowDays: number;
  createdAt: Date;
}

export interface NewSite {
  slug: string;
  name: string;
  homeUrl: string;
  clickParam?: string | null;
  clickTemplate?: string | null;
  status?: SiteStatus;
}

/** A site as its owner registers it from the pages: it waits for an operator, unverified. */
export interface NewOwnedSite {
  slug: string;
  name: string;
  homeUrl: string;
  clickParam: string | null;
  clickTemplate: string | null;
  ownerUserId: number;
  verificationToken: string;
  now: Date;
}

/** An owner's edit of a site's settings and its feed's, written together (sites.updateSettings). */
export interface SiteSettingsChange {
  name: string;
  homeUrl: string;
  clickParam: string | null;
  clickTemplate: string | null;
  status: SiteStatus;
  statusReason: string | null;
  verifiedAt: Date | null;
  /** The feed the owner edits; null when the site has none. */
  feed: { id: number; url: string; format: FeedFormatSetting; timeZone: string | null; selectors: HtmlSelectors | null } | null;
  now: Date;
}

export type FeedFormatSetting = 'auto' | string;

export interface Feed {
  id: number;
  siteId: number;
  siteSlug: string;
  url: string;
  format: FeedFormatSetting;
  /** The format the last successful crawl found (the same as `format` unless that is 'auto'). */
  detectedFormat: string | null;
  timeZone: string | null;
  clockOffsetSeconds: number;
  /** CSS selectors for an HTML page without structured data. */
  selectors: HtmlSelectors | null;
  intervalMinutes: number;
  status: 'active' | 'paused';
  /** Why the crawler stopped polling the feed, shown to its owner and the operators. */
  pausedReason: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Fingerprint of the last body parsed and stored, and when that was. */
  bodyFingerprint: string | null;
  bodyParsedAt: Date | null;
  nextCheckAt: Date;
  lastCheckedAt: Date | null;
  lastSuccessAt: Date | null;
  consecutiveFailures: number;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
}

export interface NewFeed {
  siteId: number;
  url: string;
  format?: FeedFormatSetting;
  timeZone?: string | null;
  intervalMinutes?: number;
  clockOffsetSeconds?: number;
  selectors?: HtmlSelectors | null;
}

/**
 * A deal as stored: the parser's record plus the portal's own id and bookkeeping. Branches are
 * read only for the deal's own page (DealDetail), so listings never join them.
 */
export interface StoredDeal extends Omit<DealRecord, 'branches'> {
  id: number;
  siteId: number;
  siteName: string;
  firstSeenAt: string;
  updatedAt: string;
}

export interface SnapshotCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface DealPage {
  deals: StoredDeal[];
  total: number;
}

export type DealSort = 'newest' | 'price' | 'price-desc' | 'discount' | 'popular' | 'ending';

/** What a shopper can ask of the listing; every field but now/sort/page/pageSize is optional. */
export interface DealQuery {
  now: Date;
  /** City code; nationwide deals are included in every city, once. */
  city?: string;
  district?: string;
  /** Portal category slug. */
  category?: string;
  /** Site slugs; any of them. */
  sites?: string[];
  /** Bounds on the price in minor units of `priceCurrency`. */
  priceMin?: number;
  priceMax?: number;
  /**
   * ISO 4217 code of the price bounds: with a bound set, only deals in this currency match (an
   * amount in one currency says nothing about a price in another). Without it, bounds compare
   * amounts of any currency.
   */
  priceCurrency?: string;
  /** Minimum percent off. */
  minDiscount?: number;
  /** Only deals of sites whose credibility score is at least this (unscored sites are left out). */
  minScore?: number;
  /** Only deals first seen in the last 24 hours. */
  newToday?: boolean;
  /** Full text over title, merchant and category; Chinese matches any substring of 2+ characters. */
  q?: string;
  sort: DealSort;
  page: number;
  pageSize: number;
  /** Show one entry per group of the same offer on several sites (its cheapest member). */
  collapseGroups?: boolean;
  /** Most values returned per facet, largest counts first (default 50, at most 1000). */
  facetLimit?: number;
  /** Only deals first seen in this window, after `after` and at or before `until` (alert digests). */
  firstSeen?: { after: Date; until: Date };
}

export interface FacetValue {
  value: string;
  count: number;
}

/** Live counts per filter value, each computed with every other filter of the query applied. */
export interface DealFacets {
  cities: FacetValue[];
  districts: FacetValue[];
  categories: FacetValue[];
  sites: FacetValue[];
  /** Live nationwide deals under the other filters; already included in every city's count. */
  nationwide?: number;
  /** Deals first seen in the last 24 hours under the other filters (the "new today" choice's count). */
  newToday?: number;
  /** Sites with matches under the other filters; `sites` lists the largest facetLimit of them. */
  sitesTotal?: number;
  /** Matches at or above each DISCOUNT_STEPS percent off, under every other filter. */
  discounts?: StepCount[];
  /** Matches of sites scored at or above each SCORE_STEPS score, under every other filter. */
  scores?: StepCount[];
}

export interface StepCount {
  atLeast: number;
  count: number;
}

export interface ListedDeal extends StoredDeal {
  /** Same-offer group, when the deal has twins on other sites. */
  group: { id: string; siteCount: number; lowestPriceMinor: number; currency: string } | null;
}

export interface DealSearchResult {
  deals: ListedDeal[];
  total: number;
  facets: DealFacets;
}

export interface PricePoint {
  observedAt: string;
  priceMinor: number;
  valueMinor: number | null;
  currency: string;
  soldOut: boolean;
}

export interface DealDetail extends ListedDeal {
  /** Where the deal can be redeemed, in the feed's order. */
  branches: Branch[];
  priceHistory: PricePoint[];
  /** The same offer on other sites (this deal excluded), cheapest first. */
  sameOffer: StoredDeal[];
  /** Whether the deal is still listed (not removed, not ended, site active). */
  live: boolean;
}

/** A partner site as the sites directory shows it. */
export interface SiteSummary {
  /** For the page's anchors (`#site-ID`, where deal badges link); /api/sites leaves it out. */
  id: number;
  slug: string;
  name: string;
  homeUrl: string;
  liveDeals: number;
  cities: string[];
  lastSuccessfulCrawlAt: string | null;
  /** Share of the last 30 days' crawl runs that succeeded, 0–1, null without runs. */
  crawlSuccessRate: number | null;
}

/** What the click redirect needs, and nothing more. */
export interface RedirectTarget {
  dealId: number;
  siteId: number;
  url: string;
  city: string | null;
  /** The deal's category now, kept on the click. */
  category: string | null;
  clickParam: string | null;
  clickTemplate: string | null;
}

export interface CrawlRunOutcome {
  outcome: 'ok' | 'not_modified' | 'failed';
  httpStatus: number | null;
  bytes: number | null;
  format: string | null;
  itemsSeen: number;
  counts: SnapshotCounts | null;
  skipped: { item: string; reason: string }[];
  errorCode: string | null;
  errorMessage: string | null;
}

export interface CrawlRun extends CrawlRunOutcome {
  id: number;
  feedId: number;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

export interface NewClick {
  id: number;
  token: string;
  dealId: number;
  siteId: number;
  createdAt: Date;
  city: string | null;
  /** The deal's category at the time of the click ('' for none); left out, the reports take the deal's. */
  category?: string | null;
  subId: string | null;
  referrer: string | null;
  userAgent: string | null;
  ipHash: string;
  isBot: boolean;
  isDuplicate: boolean;
}

export interface StoredClick extends NewClick {}

export interface SitesRepository {
  upsert(site: NewSite): Promise<Site>;
  findBySlug(slug: string): Promise<Site | null>;
  list(): Promise<Site[]>;
  /** Display names of the sites with these slugs (unknown slugs are left out). */
  namesBySlug(slugs: string[]): Promise<Map<string, string>>;
  findById(id: number): Promise<Site | null>;
  /** Gives the site to a site owner (null: to nobody). */
  setOwner(siteId: number, ownerUserId: number | null): Promise<void>;
  /**
   * Sets the site's status and the reason shown to its owner (null clears it), and tells the deals
   * repository's change listeners (the /go and listing caches) once committed. Returns the site
   * as it is now; null when there is no such site.
   */
  setStatus(siteId: number, status: SiteStatus, reason: string | null): Promise<Site | null>;
  /** Each site's current credibility score (null: not scored), which listings filter and rank by. */
  setCredibilityScores(scores: ReadonlyMap<number, number | null>): Promise<void>;
  /** The site's deals not removed and not ended at `now`, whatever the site's status (what suspending hides). */
  countCurrentDeals(siteId: number, now: Date): Promise<number>;
  /** Sets how many days after a click a conversion may still be attributed to it. */
  setAttributionWindow(siteId: number, days: number): Promise<void>;
  /** Active sites with their live deal counts, cities and crawl health, for the sites directory. */
  directory(now: Date): Promise<SiteSummary[]>;
  /** Adds a site a signed-in owner registered (status pending); null when the slug is taken, never an update. */
  insertOwned(site: NewOwnedSite): Promise<Site | null>;
  /** The owner's sites, newest first. */
  listForOwner(ownerUserId: number): Promise<Site[]>;
  /** Records that the owner proved the domain is theirs (the first time only; later proofs keep it). */
  markVerified(siteId: number, at: Date): Promise<Site | null>;
  /**
   * Writes an owner's edit of the site and its feed in one transaction, only while the site's
   * status is still `expectedStatus` (an operator may have decided meanwhile): null otherwise, or
   * when there is no such site. The feed forgets its cache validators and is due at once, so the
   * next crawl reads it with the new settings; the deals change listeners hear of it (the /go
   * cache holds each site's click rule).
   */
  updateSettings(siteId: number, expectedStatus: SiteStatus, change: SiteSettingsChange): Promise<Site | null>;
}

export interface FeedsRepository {
  /** Adds the feed, or returns the site's existing feed with that URL updated in place. */
  upsert(feed: NewFeed): Promise<Feed>;
  /** Points a site's only feed at a new URL (the demo's sample sites change port each run). */
  replaceUrl(feedId: number, url: string): Promise<void>;
  findById(id: number): Promise<Feed | null>;
  listForSite(siteId: number): Promise<Feed[]>;
  list(): Promise<Feed[]>;
  /** Active feeds of active sites whose next check is due, oldest first. */
  listDue(now: Date, limit: number): Promise<Feed[]>;
  recordSuccess(id: number, result: {
    at: Date;
    etag: string | null;
    lastModified: string | null;
    nextCheckAt: Date;
    format: string | null;
    /** Set when this run parsed and stored a body; null when it reused the previous one. */
    bodyFingerprint: string | null;
  }): Promise<void>;
  recordFailure(id: number, result: { at: Date; code: string; message: string; nextCheckAt: Date }): Promise<void>;
  /** Stops scheduling the feed until someone resumes it. */
  pause(id: number, reason: string): Promise<void>;
  /** Schedules a paused feed again at once, with its failure count cleared. */
  resume(id: number): Promise<void>;
}

export interface DealsRepository {
  /**
   * Makes the feed's live deals exactly `deals`, in one transaction: new ones added, known ones
   * updated (with a price-history row when price or availability changed), the rest of the
   * feed's deals marked removed. Nothing changes if it throws.
   */
  applyFeedSnapshot(feed: { id: number; siteId: number }, deals: DealRecord[], now: Date): Promise<SnapshotCounts>;
  listLive(query: { now: Date; page: number; pageSize: number }): Promise<DealPage>;
  /** The shoppers' listing: filters, full-text search, sorts, paging and live facet counts. */
  search(query: DealQuery): Promise<DealSearchResult>;
  /** One deal with its price history and the same offer on other sites; null when unknown. */
  findDetail(id: number, now: Date): Promise<DealDetail | null>;
  findById(id: number): Promise<StoredDeal | null>;
  /** A stored, not removed deal of an active site, for /go; null when there is none. */
  findRedirectTarget(id: number): Promise<RedirectTarget | null>;
  /**
   * Calls `listener` after this process commits a change that can move, add or drop a redirect
   * target (a feed snapshot, a site's status change). Returns a function that removes the listener.
   */
  onRedirectTargetsChanged(listener: () => void): () => void;
  /**
   * A number that differs from the previous call's when another connection or process (the
   * `dealnav crawl` CLI) has committed to the database in between; this process's own writes do
   * not change it. One cheap statement: poll it every few hundred milliseconds, not per request.
   */
  externalChangeVersion(): number;
}

export interface CrawlRunsRepository {
  start(feedId: number, at: Date): Promise<number>;
  finish(runId: number, at: Date, outcome: CrawlRunOutcome): Promise<void>;
  listForFeed(feedId: number, limit: number): Promise<CrawlRun[]>;
  /** Every feed's newest run, by feed id (feeds never crawled are absent). */
  latestPerFeed(): Promise<Map<number, CrawlRun>>;
}

export interface ClicksRepository {
  /** The highest click id stored, so a writer can hand out the next ones. */
  maxId(): Promise<number>;
  /** Inserts every click in one transaction; resolves once they are committed. */
  insertBatch(clicks: NewClick[]): Promise<void>;
  findById(id: number): Promise<StoredClick | null>;
  count(): Promise<number>;
}

export interface SettingsRepository {
  /** The value under `key`, created with `create()` the first time it is asked for. */
  getOrCreate(key: string, create: () => string): Promise<string>;
}

export type AlertStatus = 'pending' | 'active' | 'unsubscribed';

/** An email alert for one listing filter, double opt-in. Tokens are never stored, only their hashes. */
export interface AlertSubscription {
  id: number;
  email: string;
  /** The listing filter as its canonical query string (`?city=chengdu&q=火锅`), '' for every deal. */
  filter: string;
  /** Highest price in minor units of the deal's own currency; null for no ceiling. */
  priceCeilingMinor: number | null;
  /** The interface language when they subscribed: mails are written in it. */
  locale: string;
  status: AlertStatus;
  /** Random value the unsubscribe token is derived from (with the app's secret), so every mail can carry it. */
  unsubscribeNonce: string;
  createdAt: Date;
  confirmationSentAt: Date | null;
  confirmedAt: Date | null;
  /** When the last digest was sent: the next one holds only deals first seen after it. */
  lastDigestAt: Date | null;
  unsubscribedAt: Date | null;
}

export interface NewAlertSubscription {
  email: string;
  filter: string;
  priceCeilingMinor: number | null;
  locale: string;
  confirmTokenHash: string;
  unsubscribeNonce: string;
  unsubscribeTokenHash: string;
  now: Date;
}

export interface AlertsRepository {
  /** Adds a pending subscription; null when one for this email and filter already exists. */
  insertPending(subscription: NewAlertSubscription): Promise<AlertSubscription | null>;
  findByEmailAndFilter(email: string, filter: string): Promise<AlertSubscription | null>;
  findByConfirmTokenHash(hash: string): Promise<AlertSubscription | null>;
  findByUnsubscribeTokenHash(hash: string): Promise<AlertSubscription | null>;
  /**
   * Makes the subscription pending again with these settings (a repeated request, or one after
   * unsubscribing). With a token hash, a new confirmation mail is being sent now; without, the
   * earlier token stays the valid one.
   */
  renewPending(id: number, change: { priceCeilingMinor: number | null; locale: string; confirmTokenHash: string | null; now: Date }): Promise<void>;
  /** Pending → active (the confirmation link keeps answering "already confirmed" until an unsubscribe). */
  confirm(id: number, now: Date): Promise<void>;
  unsubscribe(id: number, now: Date): Promise<void>;
  /** Active subscriptions whose last digest (if any) was sent at or before `sentBefore`, by id after `afterId`. */
  listDueForDigest(sentBefore: Date, afterId: number, limit: number): Promise<AlertSubscription[]>;
  /**
   * Marks a digest as sent at `at` if the subscription's last digest is still `previous` and it
   * is still active: true when this caller won (two digest runs never mail the same subscription).
   */
  claimDigest(id: number, previous: Date | null, at: Date): Promise<boolean>;
  /** Undoes a claim whose mail could not be sent. */
  releaseDigest(id: number, at: Date, previous: Date | null): Promise<void>;
}

export interface Storage {
  sites: SitesRepository;
  feeds: FeedsRepository;
  deals: DealsRepository;
  crawlRuns: CrawlRunsRepository;
  clicks: ClicksRepository;
  settings: SettingsRepository;
  alerts: AlertsRepository;
  /** Postback secrets, conversions, commission terms, the commission ledger and statements. */
  revenue: RevenueRepository;
  /** Partners' order reports: column mappings, previewed and applied imports. */
  reconciliation: ReconciliationRepository;
  /** Partners' order-query URLs and every pull of them. */
  orderPulls: OrderPullRepository;
  /** Accounts and access: users, sessions, sign-in throttling, the audit log, site API tokens. */
  users: UsersRepository;
  sessions: SessionsRepository;
  signInThrottle: SignInThrottleRepository;
  auditLog: AuditLogRepository;
  siteApiTokens: SiteApiTokensRepository;
  /** Credibility: link checks, shopper reports, expired listings, deal flags, scores and alerts. */
  credibility: CredibilityRepository;
  /** The operators' report rollups: clicks, conversions, sales and commission per day. */
  reports: ReportsRepository;
  close(): Promise<void>;
}
