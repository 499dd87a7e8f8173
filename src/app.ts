// Builds the web application without listening: tests call inject(), server.ts listens.
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import nunjucks from 'nunjucks';
import { fileURLToPath } from 'node:url';
import type { ClickService } from './revenue/click-service';
import type { Storage } from './storage';
import { dealsApiRoutes } from './web/api/deals';
import { registerErrorHandlers } from './web/errors';
import { goRoutes } from './web/go';
import { pickLocale, translator, type Translator } from './web/i18n';
import { dealsPageRoutes } from './web/pages/deals';
import { dealSchema, errorSchema } from './web/schemas';

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
    clickService: ClickService;
  }
  interface FastifyRequest {
    translator: Translator;
  }
}

export interface AppServices {
  storage: Storage;
  clickService: ClickService;
}

const webDir = fileURLToPath(new URL('./web/', import.meta.url));

export async function buildApp(services: AppServices, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: false, ...options });

  // External plugins first, then the app's services, then routes.
  await app.register(fastifyStatic, { root: `${webDir}public`, prefix: '/static/' });
  await app.register(fastifyView, {
    engine: { nunjucks },
    root: `${webDir}templates`,
    options: { autoescape: true, throwOnUndefined: false },
  });
  app.decorate('storage', services.storage);
  app.decorate('clickService', services.clickService);
  app.decorateRequest('translator', {
    getter(this: { headers: Record<string, string | string[] | undefined> }) {
      const header = this.headers['accept-language'];
      return translator(pickLocale(Array.isArray(header) ? header[0] : header));
    },
  });
  app.addSchema(dealSchema);
  app.addSchema(errorSchema);
  registerErrorHandlers(app);

  await app.register(dealsPageRoutes);
  await app.register(dealsApiRoutes);
  await app.register(goRoutes);
  return app;
}
