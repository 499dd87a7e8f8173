// GET|POST /api/postback: a partner site reports a sale or lead against a click id (see
// src/revenue/postback.ts for the signature and what happens to the order).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RevenueError } from '../../revenue/errors';
import type { PostbackParams } from '../../revenue/postback';
import { HttpError } from '../errors';

const description = `Signed with the site's postback secret: \`sig\` is the hex HMAC-SHA256 of the canonical string,
every other parameter sent as \`key=value\`, sorted by key and joined by \`&\`, values exactly as sent (URL-decoded,
not re-encoded), e.g. \`amount=68.01&click_id=1a-AbCdEfGhIjKlMnOp&currency=CNY&kind=sale&order_id=A1001&site=letuan&status=pending&ts=1764086400\`.
\`ts\` must be within 5 minutes of the server's clock and a signature is accepted once. \`order_time\` (optional, signed like
the rest: unix seconds or ISO 8601 with Z or an offset) dates a new order; without it the order is dated at \`ts\`; it may not
be in the future (beyond 5 minutes) nor before the click. A parameter not listed here is refused with 400, naming it.
Idempotent by (site, order_id):
the same data again answers \`duplicate: true\`; a new status becomes an event if the transition is allowed
(pending → approved | rejected, approved → reversed), else 409. The click id must be one of this site's clicks within its
attribution window, else 422. GET takes the parameters as a query string, POST as a form or JSON body.`;

const parameters = {
  type: 'object',
  additionalProperties: false,
  required: ['site', 'click_id', 'order_id', 'amount', 'currency', 'status', 'ts', 'sig'],
  properties: {
    site: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'The site slug.' },
    click_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'The click id the site received on the click-out.' },
    order_id: { type: 'string', pattern: '^[A-Za-z0-9_.:/#@+-]{1,128}$', description: "The site's order id (1–128 characters, no spaces, & or =)." },
    amount: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$', description: 'Decimal in major units (68.01), read exactly.' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'reversed'] },
    kind: { type: 'string', enum: ['sale', 'lead'], description: 'sale when not sent (and then not signed).' },
    order_time: {
      type: 'string', maxLength: 40, pattern: '^([0-9]{1,12}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))$',
      description: 'When the order was placed: unix seconds or ISO 8601 with Z or an offset; absent: ts. A new order is dated then.',
    },
    ts: { type: 'string', pattern: '^[0-9]{1,12}$', description: 'Unix seconds when the postback was signed (the replay window).' },
    sig: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'Hex HMAC-SHA256 of the canonical string.' },
  },
} as const;

const response = {
  200: {
    type: 'object',
    required: ['ok', 'conversionId', 'status', 'duplicate'],
    properties: {
      ok: { type: 'boolean' },
      conversionId: { type: 'integer' },
      status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'reversed'] },
      duplicate: { type: 'boolean', description: 'True when the order was already recorded with exactly this data.' },
    },
  },
  '4xx': { $ref: 'error#' },
} as const;

export async function postbackApiRoutes(app: FastifyInstance): Promise<void> {
  // Partners post forms more often than JSON; this plugin's scope only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply, params: PostbackParams) => {
    try {
      return await app.postbackService.receive(params);
    } catch (error) {
      if (!(error instanceof RevenueError)) throw error;
      // Attribution failures are the partner's problem to fix, but the operator wants to see them too.
      if (error.statusCode === 422) request.log.warn({ code: error.code, site: params.site, clickId: params.click_id, orderId: params.order_id }, error.message);
      reply.header('Cache-Control', 'no-store');
      throw new HttpError(error.statusCode, error.code, error.message);
    }
  };
  const schema = { summary: 'Report a sale or lead against a click id (signed)', description, tags: ['revenue'], response };

  app.get<{ Querystring: PostbackParams }>('/api/postback', {
    schema: { ...schema, querystring: parameters },
    preValidation: async (request) => refuseUnknown(request.query),
  }, (request, reply) => handle(request, reply, request.query));
  app.post<{ Body: PostbackParams }>('/api/postback', {
    schema: { ...schema, body: parameters }, bodyLimit: 8192,
    preValidation: async (request) => refuseUnknown(request.body),
  }, (request, reply) => handle(request, reply, request.body));
}

const KNOWN_PARAMETERS = new Set(Object.keys(parameters.properties));

/**
 * The schema's validator drops parameters it does not know, which would leave them out of the
 * canonical string and answer a puzzling 401 on the signature; a typo (`order-id`, `orderTime`)
 * deserves its name in a 400 instead. Runs before validation, on the parameters as sent.
 */
function refuseUnknown(params: unknown): void {
  if (typeof params !== 'object' || params === null) return;
  const unknown = Object.keys(params).filter((key) => !KNOWN_PARAMETERS.has(key));
  if (unknown.length === 0) return;
  const names = unknown.slice(0, 10).map((key) => `'${key.slice(0, 40)}'`).join(', ');
  throw new HttpError(400, 'DN_ERR_POSTBACK_UNKNOWN_PARAMETER',
    `unknown parameter${unknown.length > 1 ? 's' : ''} ${names}; a postback takes only ${[...KNOWN_PARAMETERS].join(', ')}`);
}
