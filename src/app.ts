// Builds the web application without listening: tests call inject(), server.ts listens.
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyView from '@fastify/view';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import nunjucks from 'nunjucks';
import { fileURLToPath } from 'node:url';
import type { CrawlSettings } from '../crawlers/ingest/crawl-feed';
import { createAccess, decorateAccess, registerAccessHooks, type Access } from './accounts/plugin';
import { LogMailer } from './alerts/mailer';
import { AlertService } from './alerts/subscription-service';
import { crawlSettings } from './config';
import { CredibilityService } from './credibility/service';
import type { ClickService } from './revenue/click-service';
import { PostbackService } from './revenue/postback';
import type { Storage } from './storage';
import { categoriesApiRoutes } from './web/api/categories';
import { citiesApiRoutes } from './web/api/cities';
import { dealsApiRoutes } from './web/api/deals';
import { postbackApiRoutes } from './web/api/postback';
import { ownerApiRoutes } from './web/api/owner';
import { reportsApiRoutes } from './web/api/reports';
import { sitesApiRoutes } from './web/api/sites';
import { registerErrorHandler, registerNotFoundHandler } from './web/errors';
import { ResponseCache, responseCacheOptions } from './web/response-cache';
import { SiteDirectory } from './web/site-directory';
import { goRoutes } from './web/go';
import { requestLocale, translator, type Translator } from './web/i18n';
import { accountPageRoutes } from './web/pages/account';
import { alertPageRoutes } from './web/pages/alerts';
import { dealDetailPageRoutes } from './web/pages/deal-detail';
import { dealsPageRoutes } from './web/pages/deals';
import { favouritesPageRoutes } from './web/pages/favourites';
import { feedRoutes } from './web/pages/feed';
import { LANGUAGE_COOKIE, languageRoutes } from './web/pages/language';
import { operatorPageRoutes } from './web/pages/operator';
import { operatorAuditPageRoutes } from './web/pages/operator-audit';
import { operatorReconciliationPageRoutes } from './web/pages/operator-reconciliation';
import { operatorReportsPageRoutes } from './web/pages/operator-reports';
import { ownerPageRoutes } from './web/pages/owner';
import { sitesPageRoutes } from './web/pages/sites';
import { credibilityOwnerRoutes } from './web/pages/credibility-owner';
import { credibilityReportRoutes } from './web/pages/credibility-reports';
import { addCredibilityGlobals, registerCredibilityLocals } from './web/pages/credibility-view';
import { operatorCredibilityRoutes } from './web/pages/operator-credibility';
import { contentSecurityPolicy } from './web/security-headers';
import { registerSecurityHeaders } from './web/security-headers-hook';
import { dealSchema, errorSchema, facetsSchema, listedDealSchema } from './web/schemas';

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
    clickService: ClickService;
    alerts: AlertService;
    postbackService: PostbackService;
    /** Anonymous listing pages and /api/deals answers, for a couple of seconds (web/response-cache.ts). */
    responseCache: ResponseCache;
    /** Every site's directory row, for /sites and /api/sites (web/site-directory.ts). */
    siteDirectory: SiteDirectory;
    credibility: CredibilityService;
    crawlChecks: Pick<CrawlSettings, 'fetch' | 'maxItems' | 'robots'>;
  }
  interface FastifyRequest {
    translator: Translator;
  }
}

export interface AppServices {
  storage: Storage;
  clickService: ClickService;
  /** Email alerts; without one, alerts are stored and their mails only logged. */
  alerts?: AlertService;
  /** Signed postbacks; built from storage when not given. */
  postbackService?: PostbackService;
  /** Credibility scores, flags and reports; built from storage when not given. */
  credibility?: CredibilityService;
  /**
   * Fetches the pages make (the owners' feed preview, domain verification) go through the crawler's
   * fetcher with these settings; loopback and private addresses only where crawls may reach them.
   */
  crawl?: Pick<CrawlSettings, 'fetch' | 'maxItems' | 'robots'>;
}

const webDir = fileURLToPath(new URL('./web/', import.meta.url));

/** Routes added in the pages' context, with its cookies, sessions and guards (tests declare probe routes this way). */
export type PageRoutes = (pages: FastifyInstance) => void | Promise<void>;

/**
 * Two contexts. The root holds what every answer needs (security headers, views and the error
 * pages, the services) and /go, the click path. The pages' and API's context, inside it, adds
 * cookies, sessions, CSRF, OpenAPI and static files, whose hooks (about 1 µs each) then never run
 * on a click: /go measured 0.64-0.76 of a bare fastify 302 with them and 0.75 without
 * (docs/benchmarks.md).
 */
export async function buildApp(services: AppServices, options: FastifyServerOptions = {}, pageRoutes?: PageRoutes): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: false, ...options });

  // External plugins first, then the app's services, then routes.
  registerSecurityHeaders(app, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    // Partners may attribute a click-out by our origin; /go sets its own policy too.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
  // Declared before the view plugin, which otherwise gives every request (every click) an empty
  // `reply.locals` in a hook of its own; the one page with locals makes them (credibility-view.ts).
  app.decorateReply('locals', null);
  await app.register(fastifyView, {
    engine: { nunjucks },
    root: `${webDir}templates`,
    options: { autoescape: true, throwOnUndefined: false, onConfigure: (env: nunjucks.Environment) => addCredibilityGlobals(env, app) },
  });
  await decorateServices(app, services);
  app.addSchema(dealSchema);
  app.addSchema(errorSchema);
  app.addSchema(listedDealSchema);
  app.addSchema(facetsSchema);
  // /go's own failures (a removed deal, too many clicks, a malformed id) as pages or JSON.
  registerErrorHandler(app);
  // The account services (app.accounts, app.sessions, ...) for every context; their hooks below.
  const access = await createAccess(services.storage);
  decorateAccess(app, access);

  await app.register(goRoutes);
  await app.register(async (pages) => {
    await registerPagesContext(pages, access);
    await pageRoutes?.(pages);
  });
  return app;
}

async function decorateServices(app: FastifyInstance, services: AppServices): Promise<void> {
  app.decorate('storage', services.storage);
  app.decorate('clickService', services.clickService);
  app.decorate('crawlChecks', services.crawl ?? crawlSettings(false));
  app.decorate('postbackService', services.postbackService ?? await PostbackService.create(services.storage));
  const responseCache = new ResponseCache(services.storage.deals, responseCacheOptions());
  app.decorate('responseCache', responseCache);
  app.addHook('onClose', async () => responseCache.close());
  const siteDirectory = new SiteDirectory(services.storage);
  app.decorate('siteDirectory', siteDirectory);
  app.addHook('onClose', async () => siteDirectory.close());
  app.decorate('alerts', services.alerts ?? await AlertService.create(services.storage, new LogMailer(), 'http://127.0.0.1:3000'));
  app.decorate('credibility', services.credibility ?? await CredibilityService.create(services.storage));
  app.decorateRequest('translator', {
    getter(this: { headers: Record<string, string | string[] | undefined>; cookies?: Record<string, string | undefined> }) {
      const header = this.headers['accept-language'];
      // The root context (/go's error pages) parses no cookies; the shopper's language choice is read here then.
      const cookies = this.cookies ?? (typeof this.headers.cookie === 'string' ? fastifyCookie.parse(this.headers.cookie) : {});
      return translator(requestLocale(cookies[LANGUAGE_COOKIE], Array.isArray(header) ? header[0] : header));
    },
  });
}

/** Cookies, sessions, CSRF, OpenAPI, static files and every route but /go. */
async function registerPagesContext(app: FastifyInstance, access: Access): Promise<void> {
  await app.register(fastifyCookie);
  // OpenAPI from the routes' own JSON schemas: the document at /docs/json, the UI at /docs.
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'dealnav API', version: '1', description: 'Live group-buy deals from every partner site. Money is integer minor units beside its currency.' },
      components: {
        securitySchemes: {
          siteToken: { type: 'http', scheme: 'bearer', description: "A site API token (dnt_…), created on the site's owner page; it reads that site only." },
        },
      },
    },
    hideUntagged: true,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(fastifyStatic, { root: `${webDir}public`, prefix: '/static/' });
  // The 404 page of every unknown URL, with this context's session. Failures use the root's error handler.
  registerNotFoundHandler(app);
  // Sessions (request.user), CSRF on every state-changing route: before any route.
  await registerAccessHooks(app, access);
  // Credibility badges and the report form's token, for every page's templates.
  registerCredibilityLocals(app);

  await app.register(dealsPageRoutes);
  await app.register(dealDetailPageRoutes);
  await app.register(sitesPageRoutes);
  await app.register(favouritesPageRoutes);
  await app.register(feedRoutes);
  await app.register(alertPageRoutes);
  await app.register(languageRoutes);
  await app.register(accountPageRoutes);
  await app.register(operatorAuditPageRoutes);
  await app.register(operatorReconciliationPageRoutes);
  await app.register(operatorReportsPageRoutes);
  await app.register(credibilityReportRoutes);
  await app.register(operatorCredibilityRoutes);
  await app.register(credibilityOwnerRoutes);
  await app.register(operatorPageRoutes);
  await app.register(ownerPageRoutes);
  await app.register(dealsApiRoutes);
  await app.register(sitesApiRoutes);
  await app.register(citiesApiRoutes);
  await app.register(categoriesApiRoutes);
  await app.register(postbackApiRoutes);
  await app.register(reportsApiRoutes);
  await app.register(ownerApiRoutes);
}
