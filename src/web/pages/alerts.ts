// Email alerts for a listing filter: POST /alerts (the listing's subscribe form, rate-limited),
// the confirmation link and the unsubscribe link. Both links open a page with a button, so a
// mail scanner that follows links changes nothing; the unsubscribe URL also takes the RFC 8058
// one-click POST that mail clients send.
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'node:querystring';
import { filterParams, parseFilter, type AlertFilterFields } from '../../alerts/alert-filter';
import { filterDescription } from '../../alerts/filter-description';
import { TOKEN_PATTERN } from '../../alerts/tokens';
import type { AlertSubscription } from '../../storage';
import { dealListingQuerystring, majorToMinor } from '../deal-listing-query';
import { HttpError } from '../errors';
import { pageContext } from '../page-context';
import { minorDigits } from '../i18n';
import { defaultPriceCurrency } from '../price-currency';

/** Subscription requests per address per minute: enough for a person, too few to bomb an inbox. */
export const SUBSCRIBE_LIMIT_PER_MINUTE = 5;

const MAJOR_AMOUNT = '^[0-9]{1,9}([.][0-9]{1,2})?$';
const { city, district, category, site, priceMin, priceMax, currency, minDiscount, minScore, q } = dealListingQuerystring.properties;

interface SubscribeBody extends AlertFilterFields {
  email: string;
  priceCeiling?: string;
}

const subscribeBody = {
  type: 'object',
  required: ['email'],
  properties: {
    // Ajv's "email" format; 254 is the longest address SMTP can carry.
    email: { type: 'string', format: 'email', maxLength: 254, description: 'Where the alert goes.' },
    priceCeiling: { type: 'string', pattern: MAJOR_AMOUNT, description: 'Only deals at or under this price, in major units (`100`).' },
    city, district, category, site, priceMin, priceMax, currency, minDiscount, minScore, q,
    new: { type: 'string', enum: ['1', 'true', '0', 'false'] },
  },
} as const;

interface TokenQuery {
  token: string;
}

const tokenQuerystring = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', pattern: TOKEN_PATTERN } },
} as const;

// What a form or a mail client's one-click POST may send; the token is always in the URL.
const linkPostBody = {
  type: ['object', 'null'],
  properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'] } },
} as const;

/** A form sends empty fields for filters that are not set: they mean "no filter". */
async function dropEmptyBodyFields(request: FastifyRequest): Promise<void> {
  const body = request.body as Record<string, unknown> | null | undefined;
  if (!body || typeof body !== 'object') return;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' && value.trim() === '') delete body[key];
    else if (Array.isArray(value)) {
      const kept = value.filter((item) => item !== '');
      if (kept.length === 0) delete body[key];
      else body[key] = kept;
    }
  }
  if (typeof body.email === 'string') body.email = body.email.trim();
}

function linkPage(reply: FastifyReply): FastifyReply {
  // The URL holds a token: never cached, never sent on as a referrer.
  return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
}

export async function alertPageRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (request, context) =>
      new HttpError(context.statusCode, 'DN_ERR_RATE_LIMITED', request.translator.t('alertRateLimited')),
  });
  // HTML forms and RFC 8058 clients post url-encoded fields (or multipart, whose fields we never need).
  const formLimit = 8192;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: formLimit }, (_request, body, done) => {
    done(null, { ...parseForm(body as string) });
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: formLimit }, (_request, _body, done) => done(null, {}));

  const describe = (subscription: AlertSubscription, request: FastifyRequest) =>
    filterDescription(parseFilter(subscription.filter), subscription.priceCeilingMinor, request.translator);

  const invalidLink = (request: FastifyRequest, reply: FastifyReply) => {
    const tr = request.translator;
    return linkPage(reply).code(404).view('alert.njk', {
      ...pageContext(request), heading: tr.t('alertLinkInvalidHeading'), text: tr.t('alertLinkInvalidText'),
    });
  };

  app.post<{ Body: SubscribeBody }>('/alerts', {
    // An anonymous, double opt-in form on every listing page: no session to ride on, and the
    // listing stays cacheable without a per-visitor token.
    config: { rateLimit: { max: SUBSCRIBE_LIMIT_PER_MINUTE, timeWindow: 60_000 }, csrf: false },
    schema: { body: subscribeBody },
    preValidation: dropEmptyBodyFields,
  }, async (request, reply) => {
    const { email, priceCeiling, ...filter } = request.body;
    const tr = request.translator;
    // In the currency the form named beside the ceiling (price-currency.ts).
    const ceilingCurrency = filter.currency ?? defaultPriceCurrency(filter.city, tr.locale);
    const priceCeilingMinor = priceCeiling === undefined ? null : majorToMinor(priceCeiling, minorDigits(ceilingCurrency));
    const outcome = await app.alerts.subscribe({ email, filter, priceCeilingMinor, locale: tr.locale });
    request.log.info({ outcome }, 'alert subscription request');
    return linkPage(reply).view('alert.njk', {
      ...pageContext(request),
      heading: tr.t('alertSubscribedHeading'),
      text: tr.t('alertSubscribedText', { email }),
      filter: filterDescription(filterParams(filter), priceCeilingMinor, tr),
      loggedOnly: !app.alerts.mailer.delivers,
    });
  });

  app.get<{ Querystring: TokenQuery }>('/alerts/confirm', { schema: { querystring: tokenQuerystring } }, async (request, reply) => {
    const subscription = await app.alerts.findByConfirmToken(request.query.token);
    if (!subscription) return invalidLink(request, reply);
    const tr = request.translator;
    const done = subscription.status === 'active';
    return linkPage(reply).view('alert.njk', {
      ...pageContext(request),
      heading: tr.t(done ? 'alertConfirmedHeading' : 'alertConfirmHeading'),
      text: tr.t(done ? 'alertConfirmedText' : 'alertConfirmText', { email: subscription.email }),
      filter: describe(subscription, request),
      action: done ? null : { href: `/alerts/confirm?token=${request.query.token}`, label: tr.t('alertConfirmButton') },
    });
  });

  // The secret token in the URL is the proof: a forged request cannot know it.
  app.post<{ Querystring: TokenQuery }>('/alerts/confirm', {
    config: { csrf: false },
    schema: { querystring: tokenQuerystring, body: linkPostBody },
  }, async (request, reply) => {
    const subscription = await app.alerts.confirm(request.query.token);
    if (!subscription) return invalidLink(request, reply);
    const tr = request.translator;
    return linkPage(reply).view('alert.njk', {
      ...pageContext(request),
      heading: tr.t('alertConfirmedHeading'),
      text: tr.t('alertConfirmedText', { email: subscription.email }),
      filter: describe(subscription, request),
      loggedOnly: !app.alerts.mailer.delivers,
    });
  });

  app.get<{ Querystring: TokenQuery }>('/alerts/unsubscribe', { schema: { querystring: tokenQuerystring } }, async (request, reply) => {
    const subscription = await app.alerts.findByUnsubscribeToken(request.query.token);
    if (!subscription) return invalidLink(request, reply);
    const tr = request.translator;
    const done = subscription.status === 'unsubscribed';
    return linkPage(reply).view('alert.njk', {
      ...pageContext(request),
      heading: tr.t(done ? 'alertUnsubscribedHeading' : 'alertUnsubscribeHeading'),
      text: tr.t(done ? 'alertUnsubscribedText' : 'alertUnsubscribeText', { email: subscription.email }),
      filter: describe(subscription, request),
      action: done ? null : { href: `/alerts/unsubscribe?token=${request.query.token}`, label: tr.t('alertUnsubscribeButton') },
    });
  });

  // Mail clients send RFC 8058 one-click POSTs, which cannot carry a CSRF token; the URL's token is the proof.
  app.post<{ Querystring: TokenQuery }>('/alerts/unsubscribe', {
    config: { csrf: false },
    schema: { querystring: tokenQuerystring, body: linkPostBody },
  }, async (request, reply) => {
    const subscription = await app.alerts.unsubscribe(request.query.token);
    if (!subscription) return invalidLink(request, reply);
    const tr = request.translator;
    return linkPage(reply).view('alert.njk', {
      ...pageContext(request),
      heading: tr.t('alertUnsubscribedHeading'),
      text: tr.t('alertUnsubscribedText', { email: subscription.email }),
      filter: describe(subscription, request),
    });
  });
}
