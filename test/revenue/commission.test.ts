import { describe, expect, it } from 'vitest';
import { cpsCommission, parseRate } from '../../src/revenue/commission';
import { formatMinor, parseExactAmount } from '../../src/revenue/money';
import { periodBounds, periodOf, nextPeriod } from '../../src/revenue/periods';
import { canonicalPostbackString, signPostback } from '../../src/revenue/postback';
import { createHmac } from 'node:crypto';

describe('CPS commission', () => {
  it('is amount × rate / 10000, rounded half-up to the minor unit', () => {
    // 8.5% of ¥68.01 = 5.780850 yuan = 578.085 fen → 578
    expect(cpsCommission(6801, 850)).toEqual({ amountMinor: 578, explanation: 'cps 850bp × 6801 = 578.085 → 578 (half-up)' });
    // 8.5% of ¥68.10 = 578.85 fen → 579; exactly half (8.5% of ¥1.00 = 8.5 fen) → 9
    expect(cpsCommission(6810, 850).amountMinor).toBe(579);
    expect(cpsCommission(100, 850).amountMinor).toBe(9);
    expect(cpsCommission(99, 850).amountMinor).toBe(8); // 8.415
    expect(cpsCommission(0, 850).amountMinor).toBe(0);
    // Large amounts stay exact (no float): ¥90,071,992,547,409.91 at 0.01%
    expect(cpsCommission(9_007_199_254_740_991, 1).amountMinor).toBe(900_719_925_474); // …474.0991 → 474
  });

  it('reads rates as percentages with up to 2 decimals or as basis points', () => {
    expect(parseRate('8.5%')).toBe(850);
    expect(parseRate('12.25%')).toBe(1225);
    expect(parseRate('100%')).toBe(10_000);
    expect(parseRate('850bp')).toBe(850);
    expect([parseRate('8.555%'), parseRate('101%'), parseRate('8.5'), parseRate('-1%')]).toEqual([null, null, null, null]);
  });
});

describe('postback amounts', () => {
  it('reads decimals exactly and refuses digits below the minor unit', () => {
    expect(parseExactAmount('68.01', 'CNY')).toBe(6801);
    expect(parseExactAmount('0.29', 'CNY')).toBe(29);
    expect(parseExactAmount('68.10', 'CNY')).toBe(6810);
    expect(parseExactAmount('68.100', 'CNY')).toBe(6810);
    expect(parseExactAmount('68', 'CNY')).toBe(6800);
    expect(parseExactAmount('1200', 'JPY')).toBe(1200);
    expect([parseExactAmount('68.015', 'CNY'), parseExactAmount('5.5', 'JPY'), parseExactAmount('1e3', 'CNY'), parseExactAmount('-1', 'CNY'), parseExactAmount('068', 'CNY')])
      .toEqual([null, null, null, null, null]);
    expect([formatMinor(6801, 'CNY'), formatMinor(-578, 'CNY'), formatMinor(5, 'USD'), formatMinor(1200, 'JPY')]).toEqual(['68.01', '-5.78', '0.05', '1200']);
  });
});

describe('postback signature', () => {
  it('signs the sorted key=value pairs of every parameter but sig, values as sent', () => {
    const params = { site: 'letuan', ts: '1764086400', status: 'pending', order_id: 'A1001', currency: 'CNY', click_id: '1a-AbCdEfGhIjKlMnOp', amount: '68.01', sig: 'x' };
    const canonical = 'amount=68.01&click_id=1a-AbCdEfGhIjKlMnOp&currency=CNY&order_id=A1001&site=letuan&status=pending&ts=1764086400';
    expect(canonicalPostbackString(params)).toBe(canonical);
    expect(canonicalPostbackString({ ...params, kind: 'sale' })).toBe(canonical.replace('&order_id', '&kind=sale&order_id'));
    expect(signPostback('s3cret', params)).toBe(createHmac('sha256', 's3cret').update(canonical).digest('hex'));
  });
});

describe('statement months', () => {
  it('are UTC calendar months', () => {
    expect(periodOf(new Date('2026-10-31T23:59:59.999Z'))).toBe('2026-10');
    expect(periodOf(new Date('2026-11-01T00:00:00.000Z'))).toBe('2026-11');
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(periodBounds('2026-02')).toEqual({ start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') });
  });
});
