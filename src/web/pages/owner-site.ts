// One site's page for its owner (/owner/sites/:siteId) and what they can do there: check the
// domain verification, preview the registered feed again, resume a paused feed, rotate the
// postback secret (shown once), create (shown once) and revoke API tokens, and download a
// month's statement or every conversion as CSV. requireSiteOwner lets only the site's owner (or an
// operator) in; a feed or token id in the URL must belong to that site, else 403 like a foreign site.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, requireSiteOwner, siteIdParam } from '../../accounts/guards';
import { publicOrigin } from '../../alerts/config';
import { generateCsrf } from '../../accounts/plugin';
import { isPeriod } from '../../revenue/periods';
import { newPostbackSecret, SECRET_GRACE_MS, signPostback } from '../../revenue/postback';
import { siteConversionsCsv } from '../../revenue/conversions-csv';
import { statementCsv, statementFor } from '../../revenue/statements';
import type { Site } from '../../storage';
import { previewFeed } from '../../sites/validation-preview';
import { verifyDomain, type VerificationResult } from '../../sites/verify-domain';
import type { MessageKey, Translator } from '../i18n';
import { pageContext } from '../page-context';
import { PREVIEWS_PER_MINUTE, privatePage, VERIFICATIONS_PER_MINUTE } from './owner-common';
import { crawlErrorText, feedPreviewView, type FeedPreviewView } from './owner-preview-view';
import { siteDashboard } from './owner-site-view';

const id = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
export const siteParams = { type: 'object', required: ['siteId'], properties: { siteId: id } } as const;
const feedParams = { type: 'object', required: ['siteId', 'feedId'], properties: { siteId: id, feedId: id } } as const;
const tokenParams = { type: 'object', required: ['siteId', 'tokenId'], properties: { siteId: id, tokenId: id } } as const;
const statementParams = {
  type: 'object', required: ['siteId', 'month'], properties: { siteId: id, month: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' } },
} as const;
const csrfOnly = { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 } } } as const;
const DONE = ['resumed', 'revoked', 'saved', 'unchanged', 'resubmitted', 'rehosted'] as const;
type Done = (typeof DONE)[number];
const notices = { type: 'object', properties: { registered: { type: 'string', enum: ['1'] }, done: { type: 'string', enum: DONE } } } as const;
const DONE_NOTICES: Record<Done, MessageKey> = {
  resumed: 'owner.site.resumedNotice', revoked: 'owner.site.tokenRevokedNotice', saved: 'owner.site.savedNotice',
  unchanged: 'owner.site.unchangedNotice', resubmitted: 'owner.site.resubmittedNotice', rehosted: 'owner.site.rehostedNotice',
};

/** What a POST shows once on the page it answers with (never stored, never in a URL). */
interface ShownOnce {
  verification?: { verified: boolean; checks: { method: string; url: string; found: boolean; text: string }[] };
  preview?: FeedPreviewView;
  secret?: { value: string; rotated: boolean; previousUntilText: string | null; exampleSig: string; exampleData: string };
  token?: { value: string; prefix: string };
  notice?: string;
}

const siteOf = (request: FastifyRequest): Site => request.authorizedSite!;

export async function ownerSiteRoutes(app: FastifyInstance): Promise<void> {
  const guard = requireSiteOwner(siteIdParam());

  async function sitePage(request: FastifyRequest, reply: FastifyReply, shown: ShownOnce = {}) {
    const tr = request.translator;
    const site = (await app.storage.sites.findById(siteOf(request).id))!;
    // The portal's public address where one is configured (links in mails use it too), else the one asked for.
    const origin = process.env.DEALNAV_PUBLIC_URL ? publicOrigin(process.env.DEALNAV_PUBLIC_URL) : `${request.protocol}://${request.host}`;
    return privatePage(reply).view('owner-site.njk', {
      ...pageContext(request), ...(await siteDashboard(app.storage, site, tr, new Date(), origin)), shown, formCsrf: generateCsrf(request, reply),
    });
  }

  app.get<{ Params: { siteId: number }; Querystring: { registered?: '1'; done?: Done } }>('/owner/sites/:siteId', {
    preHandler: guard, schema: { params: siteParams, querystring: notices },
  }, async (request, reply) => {
    const tr = request.translator;
    const { registered, done } = request.query;
    const notice = registered ? tr.t('owner.site.registeredNotice') : done ? tr.t(DONE_NOTICES[done]) : undefined;
    return sitePage(request, reply, notice ? { notice } : {});
  });

  app.post<{ Params: { siteId: number } }>('/owner/sites/:siteId/verify', {
    preHandler: guard,
    config: { rateLimit: { max: VERIFICATIONS_PER_MINUTE, timeWindow: 60_000 } },
    schema: { params: siteParams, body: csrfOnly },
  }, async (request, reply) => {
    const site = siteOf(request);
    if (!site.verificationToken) return sitePage(request, reply.code(409), { notice: request.translator.t('owner.verify.noToken') });
    const result = await verifyDomain({ homeUrl: site.homeUrl, verificationToken: site.verificationToken }, app.crawlChecks.fetch);
    if (result.verified && !site.verifiedAt) {
      const after = await app.storage.sites.markVerified(site.id, new Date());
      await app.audit.record({
        actorUserId: request.user!.id, action: 'site.verify', subject: `site:${site.id}`,
        before: { verifiedAt: null }, after: { verifiedAt: after?.verifiedAt?.toISOString() ?? null, method: result.checks.find((c) => c.outcome === 'found')?.method },
      });
    }
    return sitePage(request, reply.code(result.verified ? 200 : 422), { verification: verificationView(result, request.translator) });
  });

  app.post<{ Params: { siteId: number } }>('/owner/sites/:siteId/preview', {
    preHandler: guard,
    config: { rateLimit: { max: PREVIEWS_PER_MINUTE, timeWindow: 60_000 } },
    schema: { params: siteParams, body: csrfOnly },
  }, async (request, reply) => {
    const site = siteOf(request);
    const [feed] = await app.storage.feeds.listForSite(site.id);
    if (!feed) return sitePage(request, reply.code(409), { notice: request.translator.t('owner.site.noFeed') });
    const preview = await previewFeed({
      feedUrl: feed.url, format: feed.format, timeZone: feed.timeZone, clockOffsetSeconds: feed.clockOffsetSeconds, selectors: feed.selectors,
      homeUrl: site.homeUrl,
    }, app.crawlChecks);
    return sitePage(request, reply, { preview: feedPreviewView(preview, request.translator, site.name) });
  });

  // As `dealnav feeds resume`: scheduled again at once, failures cleared.
  app.post<{ Params: { siteId: number; feedId: number } }>('/owner/sites/:siteId/feeds/:feedId/resume', {
    preHandler: guard, schema: { params: feedParams, body: csrfOnly },
  }, async (request, reply) => {
    const site = siteOf(request);
    const feed = await app.storage.feeds.findById(request.params.feedId);
    if (!feed || feed.siteId !== site.id) throw forbidden();
    await app.storage.feeds.resume(feed.id);
    await app.audit.record({
      actorUserId: request.user!.id, action: 'feed.resume', subject: `feed:${feed.id}`,
      before: { status: feed.status, pausedReason: feed.pausedReason, consecutiveFailures: feed.consecutiveFailures },
      after: { status: 'active', pausedReason: null, consecutiveFailures: 0 },
    });
    return privatePage(reply).redirect(`/owner/sites/${site.id}?done=resumed`, 303);
  });

  // As `dealnav site secret`: a new secret shown once; the previous one stays valid for a grace period.
  app.post<{ Params: { siteId: number } }>('/owner/sites/:siteId/postback-secret', {
    preHandler: guard, schema: { params: siteParams, body: csrfOnly },
  }, async (request, reply) => {
    const site = siteOf(request);
    const now = new Date();
    const rotating = (await app.storage.revenue.postbackSecrets(site.id)) !== null;
    const previousValidUntil = rotating ? new Date(now.getTime() + SECRET_GRACE_MS) : null;
    const secret = newPostbackSecret();
    await app.storage.revenue.rotatePostbackSecret(site.id, secret, now, previousValidUntil);
    // The secret itself is never written to the audit log.
    await app.audit.record({
      actorUserId: request.user!.id, action: rotating ? 'postback_secret.rotate' : 'postback_secret.create', subject: `site:${site.id}`,
      after: { previousValidUntil: previousValidUntil?.toISOString() ?? null },
    });
    const example = {
      amount: '68.01', click_id: 'CLICK_ID', currency: 'CNY', kind: 'sale', order_id: 'A1001', site: site.slug, status: 'pending', ts: String(Math.floor(now.getTime() / 1000)),
    };
    return sitePage(request, reply, {
      secret: {
        value: secret, rotated: rotating, previousUntilText: previousValidUntil ? request.translator.dateTime(previousValidUntil, 'UTC') : null,
        exampleData: new URLSearchParams(example).toString(), exampleSig: signPostback(secret, example),
      },
    });
  });

  app.post<{ Params: { siteId: number } }>('/owner/sites/:siteId/tokens', {
    preHandler: guard, schema: { params: siteParams, body: csrfOnly },
  }, async (request, reply) => {
    const { token, record } = await app.siteTokens.create(siteOf(request).id, request.user!.id);
    return sitePage(request, reply, { token: { value: token, prefix: record.prefix } });
  });

  app.post<{ Params: { siteId: number; tokenId: number } }>('/owner/sites/:siteId/tokens/:tokenId/revoke', {
    preHandler: guard, schema: { params: tokenParams, body: csrfOnly },
  }, async (request, reply) => {
    const site = siteOf(request);
    const token = await app.storage.siteApiTokens.findById(request.params.tokenId);
    if (!token || token.siteId !== site.id) throw forbidden();
    await app.siteTokens.revoke(token.id, request.user!.id);
    return privatePage(reply).redirect(`/owner/sites/${site.id}?done=revoked`, 303);
  });

  app.get<{ Params: { siteId: number } }>('/owner/sites/:siteId/conversions.csv', {
    preHandler: guard, schema: { params: siteParams },
  }, async (request, reply) => {
    const site = siteOf(request);
    // A day ahead: an order_time may run a few minutes ahead of our clock, and every order belongs in the file.
    const until = new Date(Date.now() + 86_400_000);
    return privatePage(reply)
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${site.slug}-conversions.csv"`)
      .send(siteConversionsCsv(app.storage, site.id, until));
  });

  app.get<{ Params: { siteId: number; month: string } }>('/owner/sites/:siteId/statements/:month.csv', {
    preHandler: guard, schema: { params: statementParams },
  }, async (request, reply) => {
    const site = siteOf(request);
    if (!isPeriod(request.params.month)) throw forbidden();
    const csv = statementCsv(await statementFor(app.storage, site, request.params.month));
    return privatePage(reply)
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${site.slug}-${request.params.month}.csv"`)
      .send(csv);
  });
}

function verificationView(result: VerificationResult, tr: Translator): ShownOnce['verification'] {
  return {
    verified: result.verified,
    checks: result.checks.map((check) => ({
      method: check.method === 'meta' ? tr.t('owner.verify.methodMeta') : tr.t('owner.verify.methodFile'),
      url: check.url,
      found: check.outcome === 'found',
      text: check.outcome === 'fetch_failed'
        ? tr.t('owner.verify.fetchFailed', { reason: crawlErrorText(check.errorCode ?? 'parse_error', check.httpStatus, tr) })
        : tr.t(`owner.verify.${check.outcome === 'other_host' ? 'otherHost' : check.outcome}` as const, { value: check.detail ?? '' }),
    })),
  };
}
