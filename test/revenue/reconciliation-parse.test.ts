// Reading a partner's report: encodings, amounts, status words, repeated orders, columns, and the
// period in the site's zone. Pure functions, no database.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeReport } from '../../src/revenue/reconciliation/decode-report';
import { defaultMapping, parseStatusWords } from '../../src/revenue/reconciliation/mapping';
import { parseReport, readAmount } from '../../src/revenue/reconciliation/parse-report';
import { reportPeriod, startOfDay } from '../../src/revenue/reconciliation/period';
import { ReportError } from '../../src/revenue/reconciliation/report-error';

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ReportError) return error.problem;
    throw error;
  }
  throw new Error('no problem raised');
};

describe('decodeReport', () => {
  const text = '订单号,金额\nA1,128.50\n';

  it('reads UTF-8 with and without a BOM, GBK as GB18030, and UTF-16 with a BOM', () => {
    expect(decodeReport(Buffer.from(text), 'auto')).toEqual({ text, charset: 'utf-8' });
    expect(decodeReport(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'auto')).toEqual({ text, charset: 'utf-8' });
    expect(decodeReport(iconv.encode(text, 'gbk'), 'auto')).toEqual({ text, charset: 'gb18030' });
    expect(decodeReport(iconv.encode(text, 'gbk'), 'gb18030').text).toBe(text);
    expect(decodeReport(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]), 'auto')).toEqual({ text, charset: 'utf-16le' });
  });

  it('refuses bytes that are not valid in the declared or detected encoding, and binary files', () => {
    expect(problemOf(() => decodeReport(iconv.encode(text, 'gbk'), 'utf-8'))).toEqual({ field: 'report', code: 'bad_encoding', values: { encoding: 'utf-8' } });
    expect(problemOf(() => decodeReport(Buffer.from([0x41, 0xff, 0xff, 0x0a]), 'auto')).code).toBe('bad_encoding');
    // An .xlsx is a zip: NUL bytes from its first bytes on.
    expect(problemOf(() => decodeReport(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), 'auto')).code).toBe('bad_encoding');
  });
});

describe('readAmount', () => {
  it('reads major units exactly, with a currency sign or thousands separators, and minor units', () => {
    expect(readAmount('128.50', 'major', 'CNY')).toBe(12850);
    expect(readAmount('¥1,280.5', 'major', 'CNY')).toBe(128050);
    expect(readAmount('￥ 0.01', 'major', 'CNY')).toBe(1);
    expect(readAmount('1280', 'major', 'JPY')).toBe(1280);
    expect(readAmount('12850', 'minor', 'CNY')).toBe(12850);
  });

  it('refuses what it would have to guess at', () => {
    for (const text of ['-10.00', '10.005', '1e3', '12,80.00', '', 'abc', '+5', '=1+1']) expect(readAmount(text, 'major', 'CNY')).toBeNull();
    expect(readAmount('12.5', 'major', 'JPY')).toBeNull();
    expect(readAmount('128.50', 'minor', 'CNY')).toBeNull();
  });
});

describe('parseStatusWords', () => {
  it('reads one "word = status" a line, case-insensitively, and names a bad line', () => {
    expect(parseStatusWords('已确认 = approved\nVoid=rejected\n\n退款 ＝ reversed')).toEqual({ ok: true, words: { 已确认: 'approved', void: 'rejected', 退款: 'reversed' } });
    expect(parseStatusWords('已确认 = approved\n有效 approved')).toEqual({ ok: false, line: 2, text: '有效 approved' });
    expect(parseStatusWords('paid = settled')).toMatchObject({ ok: false, line: 1 });
  });
});

describe('parseReport', () => {
  const mapping = { ...defaultMapping('Asia/Shanghai'), statusWords: { 有效: 'approved' as const, approved: 'approved' as const } };
  const header = 'order_id,click_id,amount,status,order_time\n';

  it('reads orders with their lines, status words in any case and times in the mapping zone', () => {
    const parsed = parseReport(`${header}A1,1a-x,68.01,有效,2026-11-20 08:00:00\n\nA2,,1.00,Approved,1763596800\n`, mapping);
    expect(parsed).toEqual({
      ok: true,
      headers: ['order_id', 'click_id', 'amount', 'status', 'order_time'],
      orders: [
        { line: 2, orderId: 'A1', clickToken: '1a-x', amountMinor: 6801, currency: 'CNY', status: 'approved', kind: 'sale', occurredAt: new Date('2026-11-20T00:00:00Z') },
        { line: 4, orderId: 'A2', clickToken: '', amountMinor: 100, currency: 'CNY', status: 'approved', kind: 'sale', occurredAt: new Date(1763596800_000) },
      ],
    });
  });

  it('keeps an order repeated with the same data once, and refuses one repeated with other data', () => {
    const same = parseReport(`${header}A1,c,1.00,有效,2026-11-20\nA1,c,1.00,有效,2026-11-20\n`, mapping);
    expect(same.ok && same.orders.map((order) => order.line)).toEqual([2]);
    const other = parseReport(`${header}A1,c,1.00,有效,2026-11-20\nA1,c,2.00,有效,2026-11-20\n`, mapping);
    expect(other).toMatchObject({ ok: false, problems: [{ field: 'report', code: 'duplicate_order', values: { line: 3, order: 'A1', earlier: 2 } }] });
  });

  it('names every mapped column the header lacks, and matches header names ignoring case', () => {
    const parsed = parseReport('ORDER_ID,amount\nA1,1.00\n', mapping);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((problem) => [problem.field, problem.values.column])).toEqual([
      ['clickIdColumn', 'click_id'], ['statusColumn', 'status'], ['orderTimeColumn', 'order_time'],
    ]);
  });

  it('reads a mapped kind column in English or Chinese words (empty: a sale), and names an unknown word', () => {
    const withKind = { ...mapping, kindColumn: '类型' };
    const head = 'order_id,click_id,amount,status,order_time,类型\n';
    const parsed = parseReport(`${head}A1,c,1.00,有效,2026-11-20,线索\nA2,c,1.00,有效,2026-11-20,Lead\nA3,c,1.00,有效,2026-11-20,销售\nA4,c,1.00,有效,2026-11-20,\nA5,c,1.00,有效,2026-11-20,注册\n`, withKind);
    expect(parsed.ok && parsed.orders.map((order) => `${order.orderId}:${order.kind}`)).toEqual(['A1:lead', 'A2:lead', 'A3:sale', 'A4:sale', 'A5:lead']);
    const unknown = parseReport(`${head}A1,c,1.00,有效,2026-11-20,赠品\n`, withKind);
    expect(unknown).toMatchObject({ ok: false, problems: [{ field: 'kindColumn', code: 'unknown_kind', values: { line: 2, value: '赠品' } }] });
    expect(parseReport(`${header}A1,c,1.00,有效,2026-11-20\n`, withKind)).toMatchObject({ ok: false, problems: [{ field: 'kindColumn', code: 'missing_column' }] });
    // Without a kind column (and in mappings saved before there was one), every order is a sale.
    const { kindColumn: _none, ...older } = withKind;
    const sales = parseReport(`${header}A1,c,1.00,有效,2026-11-20\n`, older);
    expect(sales.ok && sales.orders[0]!.kind).toBe('sale');
  });

  it('stops at twenty problems and refuses an empty report', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `B${i},c,bad,有效,2026-11-20`).join('\n');
    const parsed = parseReport(`${header}${rows}\n`, mapping);
    expect(!parsed.ok && parsed.problems.length).toBe(20);
    expect(parseReport(header, mapping)).toMatchObject({ ok: false, problems: [{ code: 'empty_report' }] });
  });
});

describe('report period', () => {
  it('runs from midnight of the first order day to midnight after the last, in the zone', () => {
    const orders = [new Date('2026-10-31T17:00:00Z'), new Date('2026-11-02T15:59:59Z')].map((occurredAt, i) => ({
      line: i + 2, orderId: `O${i}`, clickToken: '', amountMinor: 1, currency: 'CNY', status: 'pending' as const, kind: 'sale' as const, occurredAt,
    }));
    // 2026-10-31T17:00Z is Nov 1, 01:00 in Shanghai; 2026-11-02T15:59:59Z is Nov 2, 23:59:59.
    expect(reportPeriod(orders, 'Asia/Shanghai', null, null)).toEqual({ start: new Date('2026-10-31T16:00:00Z'), end: new Date('2026-11-02T16:00:00Z') });
    expect(reportPeriod(orders, 'Asia/Shanghai', '2026-11-01', '2026-11-30')).toEqual({ start: new Date('2026-10-31T16:00:00Z'), end: new Date('2026-11-30T16:00:00Z') });
    expect(startOfDay('2026-02-30', 'Asia/Shanghai')).toBeNull();
    expect(startOfDay('2026-03-08', 'America/New_York')).toEqual(new Date('2026-03-08T05:00:00Z'));
  });
});
