import { describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

describe('closing storage (its worker threads too)', () => {
  it('a second close resolves, and what was written is in the file for the next opening', async () => {
    const dir = makeTempDir();
    try {
      const storage = openStorage(dir.file('close.db'));
      const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
      const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed' });
      await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
      await storage.deals.search({ now: new Date(), sort: 'newest', page: 1, pageSize: 10 }); // starts the read worker
      await storage.close();
      await storage.close();
      const again = openStorage(dir.file('close.db'));
      expect((await again.deals.search({ now: new Date(), sort: 'newest', page: 1, pageSize: 10 })).total).toBe(1);
      await again.close();
    } finally {
      dir.remove();
    }
  });
});
