// GET /operator/crawl-health?filter=all|failing|paused|slow: every feed's crawl health, the ones
// needing attention first; POST /operator/feeds/:feedId/resume schedules a paused feed again
// (what `dealnav feeds resume` does), audited.
import type { FastifyInstance } from 'fastify';
import { requireOperator } from '../../accounts/guards';
import { byAttention, feedHealth, HEALTH_FILTERS, matchesFilter, SLOW_RUN_MS, type HealthFilter } from '../../sites/feed-health';
import { HttpError } from '../errors';
import type { MessageKey } from '../i18n';
import { pageContext } from '../page-context';
import { nextCheckTime, operatorPage, seconds, shownTime, STATUS_MESSAGES } from './operator-view';

const FILTER_MESSAGES: Record<HealthFilter, MessageKey> = {
  all: 'operator.health.filterAll', failing: 'operator.health.filterFailing', paused: 'operator.health.filterPaused', slow: 'operator.health.filterSlow',
};

const filterQuery = { type: 'string', enum: [...HEALTH_FILTERS], default: 'all' } as const;

export async function operatorCrawlHealthPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { filter: HealthFilter; resumed?: number } }>('/operator/crawl-health', {
    preHandler: requireOperator,
    schema: { querystring: { type: 'object', properties: { filter: filterQuery, resumed: { type: 'integer', minimum: 1 } } } },
  }, async (request, reply) => {
    const tr = request.translator;
    const { filter, resumed } = request.query;
    const now = new Date();
    const all = await feedHealth(app.storage);
    const shown = all.filter((health) => matchesFilter(health, filter)).sort(byAttention);
    return operatorPage(reply).view('operator-crawl-health.njk', {
      ...pageContext(request),
      filter,
      resumed: resumed ? tr.t('operator.health.resumed', { feed: resumed }) : null,
      slowHint: tr.t('operator.health.slowHint', { seconds: SLOW_RUN_MS / 1000 }),
      filters: HEALTH_FILTERS.map((value) => ({
        value, href: `/operator/crawl-health?filter=${value}`, label: tr.t(FILTER_MESSAGES[value]),
        count: all.filter((health) => matchesFilter(health, value)).length,
      })),
      feeds: shown.map(({ feed, site, lastRun, failing, paused, slow }) => ({
        id: feed.id,
        url: feed.url,
        siteId: feed.siteId,
        siteName: site?.name ?? feed.siteSlug,
        siteStatus: site && site.status !== 'active' ? tr.t(STATUS_MESSAGES[site.status]) : null,
        paused,
        failing,
        slow,
        pausedReason: feed.pausedReason,
        consecutiveFailures: feed.consecutiveFailures,
        lastSuccess: shownTime(tr, feed.lastSuccessAt),
        lastError: feed.lastErrorCode ? `${feed.lastErrorCode}${feed.lastErrorMessage ? `: ${feed.lastErrorMessage}` : ''}` : null,
        lastRun: lastRun ? {
          started: shownTime(tr, lastRun.startedAt), outcome: lastRun.outcome, duration: seconds(tr, lastRun.durationMs), itemsSeen: lastRun.itemsSeen,
        } : null,
        // A paused feed or one of a site that is not active is not checked at all.
        nextCheck: !paused && site?.status === 'active' ? nextCheckTime(tr, feed.nextCheckAt, now) : null,
      })),
    });
  });

  app.post<{ Params: { feedId: number }; Body: { filter?: HealthFilter } }>('/operator/feeds/:feedId/resume', {
    preHandler: requireOperator,
    schema: {
      params: { type: 'object', required: ['feedId'], properties: { feedId: { type: 'integer', minimum: 1 } } },
      body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 }, filter: { type: 'string', enum: [...HEALTH_FILTERS] } } },
    },
  }, async (request, reply) => {
    const before = await app.storage.feeds.findById(request.params.feedId);
    if (!before) throw new HttpError(404, 'DN_ERR_FEED_NOT_FOUND', 'There is no such feed.');
    if (before.status === 'paused') {
      await app.storage.feeds.resume(before.id);
      const after = (await app.storage.feeds.findById(before.id))!;
      await app.audit.record({
        actorUserId: request.user!.id, action: 'feed.resume', subject: `site:${before.siteId}`,
        before: { feed: before.id, status: before.status, pausedReason: before.pausedReason, consecutiveFailures: before.consecutiveFailures },
        after: { feed: after.id, status: after.status, pausedReason: after.pausedReason, consecutiveFailures: after.consecutiveFailures },
      });
    }
    const filter = request.body?.filter ?? 'all';
    return operatorPage(reply).redirect(`/operator/crawl-health?filter=${filter}&resumed=${before.id}`, 303);
  });
}
