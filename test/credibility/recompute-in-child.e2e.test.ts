// The server's recompute runs as `dealnav credibility recompute` in a child process, so its long
// reads never stop the server's event loop; what the child writes is what the server reads next.
import { describe, expect, it } from 'vitest';
import { recomputeInChild } from '../../src/credibility/recompute-in-child';
import { openStorage } from '../../src/storage';
import { dealRecord } from '../helpers/deal-record';
import { makeTempDir } from '../helpers/temp-dir';

describe('credibility recompute in a child process', () => {
  it('stores a score for every site in the same file, and fails loudly on a bad argument', async () => {
    const dir = makeTempDir();
    const storage = openStorage(dir.file('cred.db'));
    try {
      const site = await storage.sites.upsert({ slug: 'letuan', name: '乐团网', homeUrl: 'http://letuan.example/' });
      const feed = await storage.feeds.upsert({ siteId: site.id, url: 'http://letuan.example/feed' });
      await storage.deals.applyFeedSnapshot(feed, [dealRecord({ externalId: 'a' })], new Date());
      expect(await storage.credibility.latestScores()).toEqual([]);
      const lines: string[] = [];
      await recomputeInChild(dir.file('cred.db'), [site.id], (line) => lines.push(line));
      expect((await storage.credibility.latestScores()).map((score) => score.siteId)).toEqual([site.id]);
      expect(lines.join('\n')).toMatch(/1 sites/);
      await expect(recomputeInChild(dir.file('cred.db'), [-1], () => {})).rejects.toThrow(/exited with/);
    } finally {
      await storage.close();
      dir.remove();
    }
  });
});
