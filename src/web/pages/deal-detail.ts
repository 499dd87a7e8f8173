// GET /deals/:id: one deal with every field, its branches, its price history and the same offer on other sites.
import type { FastifyInstance } from 'fastify';
import type { DealDetail } from '../../storage';
import { dealTimeZone, toDealCard } from '../deal-card';
import type { Translator } from '../i18n';
import { pageContext, varyByShopper } from '../page-context';
import { priceSparkline } from '../price-sparkline';

interface DetailParams {
  id: string;
}

export const dealIdParams = {
  type: 'object',
  required: ['id'],
  // Digits only, as /go takes them: no `1e3` or `0x10` read as some other deal.
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
} as const;

function detailView(deal: DealDetail, tr: Translator, now: Date) {
  const zone = dealTimeZone(deal);
  const at = (iso: string | null) => (iso ? tr.dateTime(new Date(iso), zone) : null);
  const comparable = deal.sameOffer.filter((twin) => twin.currency === deal.currency);
  const cheapestElsewhere = comparable[0]?.priceMinor;
  return {
    ...toDealCard(deal, tr, now),
    live: deal.live,
    district: deal.district,
    startsAt: at(deal.startsAt),
    endsAt: at(deal.endsAt),
    firstSeenAt: at(deal.firstSeenAt),
    updatedAt: at(deal.updatedAt),
    merchant: deal.merchant && (deal.merchant.name || deal.merchant.phone || deal.merchant.address) ? deal.merchant : null,
    branches: deal.branches.map(({ name, address, phone, district }) => ({ name, address, phone, district })),
    history: [...deal.priceHistory].reverse().map((point) => ({
      at: tr.dateTime(new Date(point.observedAt), zone),
      price: tr.money(point.priceMinor, point.currency),
      value: point.valueMinor !== null ? tr.money(point.valueMinor, point.currency) : null,
      soldOut: point.soldOut,
    })),
    sparkline: priceSparkline(deal.priceHistory, now),
    cheapestHere: comparable.length > 0 && cheapestElsewhere !== undefined && deal.priceMinor <= cheapestElsewhere,
    sameOffer: deal.sameOffer.map((twin) => ({
      ...toDealCard(twin, tr, now),
      cheapest: twin.currency === deal.currency && twin.priceMinor === cheapestElsewhere && twin.priceMinor < deal.priceMinor,
    })),
  };
}

export async function dealDetailPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: DetailParams }>('/deals/:id', { schema: { params: dealIdParams } }, async (request, reply) => {
    const now = new Date();
    const deal = await app.storage.deals.findDetail(Number(request.params.id), now);
    const tr = request.translator;
    varyByShopper(reply);
    if (!deal) {
      return reply.code(404).view('error.njk', { ...pageContext(request), heading: tr.t('notFound'), message: tr.t('dealNotFoundText') });
    }
    return reply.view('deal.njk', { ...pageContext(request), deal: detailView(deal, tr, now) });
  });
}
