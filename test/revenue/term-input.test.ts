// Reading a commission term as typed on the command line or in the operator's form.
import { describe, expect, it } from 'vitest';
import { parseEffectiveFrom, parseTermText } from '../../src/revenue/term-input';

const now = new Date('2026-05-05T10:00:00Z');

describe('parseTermText', () => {
  it('reads a CPS rate as a percentage or basis points, from a date at midnight UTC', () => {
    expect(parseTermText({ model: 'cps', rate: '8.5%', from: '2026-06-01' }, now)).toEqual({
      ok: true, term: { model: 'cps', rateBp: 850, flatMinor: null, currency: null, category: null, effectiveFrom: new Date('2026-06-01T00:00:00Z') },
    });
    expect(parseTermText({ model: 'cps', rate: '850bp' }, now)).toMatchObject({ ok: true, term: { rateBp: 850, effectiveFrom: now } });
    expect(parseTermText({ model: 'cps', rate: '100.01%' }, now)).toEqual({ ok: false, field: 'rate', problem: 'rateInvalid' });
    expect(parseTermText({ model: 'cps' }, now)).toEqual({ ok: false, field: 'rate', problem: 'rateInvalid' });
  });

  it('reads flat amounts exactly in their currency, and an optional category', () => {
    expect(parseTermText({ model: 'cpc', amount: '0.30', currency: 'cny', category: ' food ' }, now))
      .toMatchObject({ ok: true, term: { model: 'cpc', flatMinor: 30, currency: 'CNY', rateBp: null, category: 'food' } });
    expect(parseTermText({ model: 'cpa_lead', amount: '500', currency: 'JPY' }, now)).toMatchObject({ ok: true, term: { flatMinor: 500 } });
    expect(parseTermText({ model: 'cpa_sale', amount: '5.001', currency: 'CNY' }, now)).toEqual({ ok: false, field: 'amount', problem: 'amountInvalid' });
    expect(parseTermText({ model: 'cpa_sale', amount: '5', currency: 'yuan' }, now)).toEqual({ ok: false, field: 'currency', problem: 'currencyInvalid' });
    expect(parseTermText({ model: 'cpa_sale', amount: '5', currency: 'CNY', category: 'Food & Drink' }, now)).toEqual({ ok: false, field: 'category', problem: 'categoryInvalid' });
  });

  it('refuses unknown models and dates', () => {
    expect(parseTermText({ model: 'cpm', rate: '5%' }, now)).toEqual({ ok: false, field: 'model', problem: 'modelUnknown' });
    expect(parseTermText({ model: 'cps', rate: '5%', from: 'tomorrow' }, now)).toEqual({ ok: false, field: 'from', problem: 'fromInvalid' });
    expect(parseEffectiveFrom('2026-06-01T08:00:00+08:00')).toEqual(new Date('2026-06-01T00:00:00Z'));
    expect(parseEffectiveFrom('2026-13-01')).toBeNull();
  });
});
