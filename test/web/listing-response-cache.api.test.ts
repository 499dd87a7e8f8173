// The listing page and /api/deals are answered from a short-lived cache for anonymous visitors;
// these tests prove what may never be served from it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { dealRecord } from '../helpers/deal-record';

describe('cached listing answers', () => {
  let t: TestApp;

  beforeEach(async () => { t = await buildTestApp(); });
  afterEach(async () => { await t.close(); });

  it('a crawl commit shows on the very next page and API answer', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', title: '第一单火锅' })], new Date());
    const first = await t.app.inject({ url: '/', headers: { 'accept-language': 'zh-CN' } });
    const firstApi = await t.app.inject({ url: '/api/deals' });
    expect(first.body).toContain('第一单火锅');
    expect(firstApi.json().total).toBe(1);
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'a', title: '第一单火锅' }), dealRecord({ externalId: 'b', title: '第二单烤鱼' }),
    ], new Date());
    const second = await t.app.inject({ url: '/', headers: { 'accept-language': 'zh-CN' } });
    expect(second.body).toContain('第二单烤鱼');
    expect((await t.app.inject({ url: '/api/deals' })).json().total).toBe(2);
  });

  it('answers differ by language and by the remembered city, never mixed up', async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [
      dealRecord({ externalId: 'c', title: '成都火锅', city: 'chengdu' }),
      dealRecord({ externalId: 'b', title: '北京烤鸭', city: 'beijing' }),
    ], new Date());
    const zh = await t.app.inject({ url: '/', headers: { 'accept-language': 'zh-CN' } });
    const en = await t.app.inject({ url: '/', headers: { 'accept-language': 'en' } });
    expect(zh.body).toContain('<html lang="zh-CN">');
    expect(en.body).toContain('<html lang="en">');
    const chengdu = await t.app.inject({ url: '/', headers: { 'accept-language': 'en', cookie: 'city=chengdu' } });
    const beijing = await t.app.inject({ url: '/', headers: { 'accept-language': 'en', cookie: 'city=beijing' } });
    expect(chengdu.body).toContain('成都火锅');
    expect(chengdu.body).not.toContain('北京烤鸭');
    expect(beijing.body).toContain('北京烤鸭');
    expect(beijing.body).not.toContain('成都火锅');
    // Choosing a city in the URL still sets the cookie on a cached answer.
    const chosen = await t.app.inject({ url: '/?city=chengdu', headers: { 'accept-language': 'en' } });
    const again = await t.app.inject({ url: '/?city=chengdu', headers: { 'accept-language': 'en' } });
    for (const response of [chosen, again]) {
      expect(response.headers['set-cookie']).toMatch(/city=chengdu/);
      expect(response.headers.vary).toMatch(/Cookie/);
    }
    expect(again.body).toBe(chosen.body);
  });

  it("a suspended site's deals leave the cached listing at once", async () => {
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a', title: '暂停前的团购' })], new Date());
    expect((await t.app.inject({ url: '/api/deals' })).json().total).toBe(1);
    expect((await t.app.inject({ url: '/', headers: { 'accept-language': 'zh-CN' } })).body).toContain('暂停前的团购');
    await t.storage.sites.setStatus(t.site.id, 'suspended', 'test');
    expect((await t.app.inject({ url: '/api/deals' })).json().total).toBe(0);
    expect((await t.app.inject({ url: '/', headers: { 'accept-language': 'zh-CN' } })).body).not.toContain('暂停前的团购');
    await t.storage.sites.setStatus(t.site.id, 'active', null);
    expect((await t.app.inject({ url: '/api/deals' })).json().total).toBe(1);
  });
});
