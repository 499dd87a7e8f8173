// Credibility as the rest of dealnav uses it: recompute (deal flags → measurements → scores and
// their history → alerts → automatic suspension), the daily digest, and cheap in-memory lookups of
// the current scores and flagged deals for pages (refreshed on every recompute, and at most every
// few minutes when another process recomputed).
import type { CardFlag, Storage } from '../storage';
import { firingAlerts, ALERT_RULES, DEFAULT_THRESHOLDS, type AlertThresholds } from './alert-rules';
import { dealFlags } from './inflation';
import { LOWEST_PLAUSIBLE_MAX_DISCOUNT } from './plausible-discounts';
import { checkAllSites, type LinkCheckSettings, type LinkCheckSummary } from './link-checker';
import { LogNotifier, type CredibilityDigest, type Notifier } from './notifier';
import { credibilityScore, type ScorePart } from './score';

export interface SiteCredibility {
  siteId: number;
  slug: string;
  score: number | null;
  parts: ScorePart[];
  computedAt: Date;
}

export interface RecomputeReport {
  sites: number;
  scored: number;
  alertsOpened: number;
  suspended: string[];
}

const CACHE_TTL_MS = 5 * 60 * 1000;

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

export class CredibilityService {
  private scores = new Map<number, SiteCredibility>();
  private scoreMap: ReadonlyMap<number, number | null> = new Map();
  private bySlug = new Map<string, SiteCredibility>();
  private flags: ReadonlyMap<number, CardFlag> = new Map();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  /** Set by the server: without it (tests, the CLI's recompute) links are not checked. */
  linkChecks: LinkCheckSettings | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
    private readonly notifier: Notifier = new LogNotifier(),
    private readonly log: (line: string) => void = console.log,
  ) {}

  static async create(storage: Storage, thresholds?: AlertThresholds, notifier?: Notifier): Promise<CredibilityService> {
    const service = new CredibilityService(storage, thresholds, notifier);
    await service.refresh();
    return service;
  }

  /**
   * Each site's current score (null: not enough data; sites never scored are absent). Cheap: the
   * same map until the next recompute or refresh replaces it, so callers may keep it per request.
   */
  currentScores(): ReadonlyMap<number, number | null> {
    this.refreshIfOld();
    return this.scoreMap;
  }

  site(siteId: number): SiteCredibility | null {
    this.refreshIfOld();
    return this.scores.get(siteId) ?? null;
  }

  siteBySlug(slug: string): SiteCredibility | null {
    this.refreshIfOld();
    return this.bySlug.get(slug) ?? null;
  }

  /** The deal's inflation flag as the last recompute left it, for its card (null: not flagged). */
  dealFlag(dealId: number): CardFlag | null {
    this.refreshIfOld();
    return this.flags.get(dealId) ?? null;
  }

  /** Reloads the scores and flagged deals from storage (another process may have recomputed). */
  refresh(): Promise<void> {
    this.loading ??= (async () => {
      const latest = await this.storage.credibility.latestScores();
      this.flags = new Map((await this.storage.credibility.flaggedDeals()).map((flag) => [flag.dealId, flag]));
      this.scores = new Map(latest.map((row) => [row.siteId, {
        siteId: row.siteId, slug: row.slug ?? '', score: row.score, parts: (row.parts as ScorePart[]) ?? [], computedAt: row.computedAt,
      }]));
      this.scoreMap = new Map([...this.scores].map(([siteId, site]) => [siteId, site.score]));
      this.bySlug = new Map([...this.scores.values()].map((site) => [site.slug, site]));
      this.loadedAt = Date.now();
    })().finally(() => { this.loading = null; });
    return this.loading;
  }

  private refreshIfOld(): void {
    if (Date.now() - this.loadedAt > CACHE_TTL_MS) void this.refresh().catch(() => undefined);
  }

  get checksLinks(): boolean {
    return this.linkChecks !== null;
  }

  /** Checks a sample of every active site's live deal links, or only of sites not checked since `checkedBefore`. */
  async checkLinks(now: Date = new Date(), checkedBefore?: Date): Promise<LinkCheckSummary> {
    if (!this.linkChecks) throw new Error('credibility: link checks are not configured in this process');
    return checkAllSites(this.storage, this.linkChecks, now, checkedBefore);
  }

  /**
   * Deal flags (all of them, or with `flagSites` only those sites' deals and their offers' other
   * members: a whole rebuild reads every grouped deal, ~30 s at a million), then every site's
   * measurements, score, history row and alerts.
   */
  async recompute(now: Date = new Date(), flagSites?: number[]): Promise<RecomputeReport> {
    const credibility = this.storage.credibility;
    if (!flagSites || flagSites.length > 0) {
      const members = await credibility.offerMembers(now, LOWEST_PLAUSIBLE_MAX_DISCOUNT, flagSites);
      await credibility.replaceDealFlags(dealFlags(members), now, flagSites);
    }
    const report: RecomputeReport = { sites: 0, scored: 0, alertsOpened: 0, suspended: [] };
    for (const signals of await credibility.siteSignals(now)) {
      report.sites++;
      const { score, parts } = credibilityScore(signals, now);
      if (score !== null) report.scored++;
      await credibility.saveScore({ siteId: signals.siteId, day: utcDay(now), score, parts, computedAt: now });
      const firing = firingAlerts(signals, score, now, this.thresholds);
      for (const alert of firing) {
        if (await credibility.openAlert(signals.siteId, alert.rule, alert.detail, now)) report.alertsOpened++;
      }
      for (const rule of ALERT_RULES) {
        if (!firing.some((alert) => alert.rule === rule)) await credibility.closeAlert(signals.siteId, rule, now);
      }
      const lowScore = firing.find((alert) => alert.rule === 'low_score');
      if (lowScore && signals.status === 'active') {
        await this.suspend(signals.siteId, lowScore.detail, now);
        report.suspended.push(signals.slug);
      }
    }
    await this.refresh();
    // The listing filters and breaks ties by the score kept on each site's row. Written after the
    // reload: its change notice empties the listing cache, and the pages rendered next show the
    // new badges and flags.
    await this.storage.sites.setCredibilityScores(this.scoreMap);
    return report;
  }

  /** The configurable rule: the site's listing is suspended, with the reason kept and audited. */
  private async suspend(siteId: number, reason: string, now: Date): Promise<void> {
    const recorded = `credibility: ${reason}`;
    const before = await this.storage.sites.findById(siteId);
    await this.storage.sites.setStatus(siteId, 'suspended', recorded);
    await this.storage.auditLog.insert({
      at: now, actorUserId: null, action: 'site.suspend_automatic', subject: `site:${siteId}`,
      before: { status: before?.status ?? null }, after: { status: 'suspended', reason: recorded },
    });
    this.log(`credibility: site ${siteId} suspended: ${reason}`);
  }

  async sendDigest(now: Date = new Date()): Promise<CredibilityDigest> {
    const fresh = await this.storage.credibility.takeUnnotifiedAlerts(now);
    const open = await this.storage.credibility.openAlerts();
    const sites = await this.storage.credibility.siteSignals(now);
    const digest: CredibilityDigest = {
      at: now.toISOString(),
      newAlerts: fresh.map((alert) => ({ site: alert.siteName, rule: alert.rule, detail: alert.detail, closedAt: alert.closedAt?.toISOString() ?? null })),
      sites: sites.map((site) => ({
        name: site.name, slug: site.slug, score: this.scores.get(site.siteId)?.score ?? null,
        alerts: open.filter((alert) => alert.siteId === site.siteId).map((alert) => ({ rule: alert.rule, detail: alert.detail })),
      })),
    };
    await this.notifier.send(digest);
    return digest;
  }
}
