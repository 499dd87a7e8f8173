// The worth part as the README defines it: flagged ÷ live deals that give a worth. A flag counts
// only while its deal is live, and a suspended site (still scored) has its deals flagged too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredibilityService } from '../../src/credibility/service';
import { openStorage, type Site, type Storage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

const DAY_MS = 86_400_000;

describe('the worth part', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let storage: Storage;
  let service: CredibilityService;
  const now = new Date();

  async function siteWith(slug: string, deals: Parameters<typeof dealRecord>[0][]): Promise<{ site: Site; feedId: number }> {
    const site = await storage.sites.upsert({ slug, name: slug, homeUrl: `http://${slug}.example/` });
    const feed = await storage.feeds.upsert({ siteId: site.id, url: `http://${slug}.example/feed.json` });
    await storage.deals.applyFeedSnapshot({ id: feed.id, siteId: site.id }, deals.map((deal) => dealRecord({ site: slug, ...deal })), now);
    return { site, feedId: feed.id };
  }
  const worth = async (siteId: number, at: Date) => {
    const [signals] = await storage.credibility.siteSignals(at, siteId);
    return [signals!.inflatedDeals, signals!.dealsWithWorth];
  };

  beforeEach(() => {
    dir = makeTempDir();
    storage = openStorage(dir.file('worth.db'));
    service = new CredibilityService(storage, undefined, undefined, () => undefined);
  });
  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  it('counts a flag only while its deal is live: not once it has ended or left the feed', async () => {
    const trip = { externalId: 'trip', title: '九寨沟一日游', category: 'travel', priceMinor: 2600, valueMinor: 396000, discountPercent: 99 };
    const hotpot = { externalId: 'hotpot', title: '川味火锅双人餐' };
    const { site, feedId } = await siteWith('shady', [trip, hotpot]);
    await service.recompute(now);
    expect(await worth(site.id, now)).toEqual([1, 2]);
    // Two days on, the trip has ended (it ends a day from now): the flag, still stored, no longer counts.
    const later = new Date(now.getTime() + 2 * DAY_MS);
    expect(await worth(site.id, later)).toEqual([0, 0]);
    // Gone from the feed before the next recompute: neither counted nor shown to the owner.
    await storage.deals.applyFeedSnapshot({ id: feedId, siteId: site.id }, [dealRecord({ site: 'shady', ...hotpot })], now);
    expect(await worth(site.id, now)).toEqual([0, 1]);
    expect(await storage.credibility.inflatedDeals(site.id, now, 10)).toEqual([]);
  });

  it('flags a suspended site\'s deals in the whole rebuild and after its crawl, against the listed sites\' medians', async () => {
    await siteWith('honest', [{ externalId: 'h', title: '川味火锅双人餐', priceMinor: 6800, valueMinor: 15800 }]);
    await siteWith('other', [{ externalId: 'o', title: '川味火锅双人餐', priceMinor: 7000, valueMinor: 16000 }]);
    const { site: suspended } = await siteWith('suspended', [{ externalId: 's', title: '川味火锅双人餐', priceMinor: 100, valueMinor: 200000, discountPercent: 50 }]);
    await storage.sites.setStatus(suspended.id, 'suspended', 'test');
    for (const flagSites of [undefined, [suspended.id]]) {
      await service.recompute(now, flagSites);
      expect(await worth(suspended.id, now)).toEqual([1, 1]);
      const [flagged] = await storage.credibility.inflatedDeals(suspended.id, now, 10);
      expect(flagged).toMatchObject({ reason: 'worth_above_median', offerWorthMedianMinor: 15900 });
      expect(await storage.credibility.findDealFlag(flagged!.dealId)).toMatchObject({ offerMedianMinor: 6900, offerSites: 2 });
    }
  });
});
