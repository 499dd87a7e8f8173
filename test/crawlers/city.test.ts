import { describe, expect, it } from 'vitest';
import cityTable from '../../data/cities.json';
import { normalizeCity } from '../../crawlers/normalize/city';

describe('normalizeCity', () => {
  it.each([
    ['北京', 'beijing'],
    ['北京市', 'beijing'],
    [' 上海 ', 'shanghai'],
    ['广东省广州市', 'guangzhou'],
    ['哈尔滨', 'haerbin'],
    ['Harbin', 'haerbin'],
    ["Xi'an", 'xian'],
    ['香港', 'hongkong'],
    ['Seattle', 'seattle'],
    ['SEATTLE', 'seattle'],
    ['New York', 'new-york'],
    ['new-york', 'new-york'],
    ['NYC', 'new-york'],
    ['Washington, D.C.', 'washington-dc'],
    ['San Francisco', 'san-francisco'],
  ])('maps %j to %s', (raw, code) => {
    expect(normalizeCity(raw)).toEqual({ code, nationwide: false, raw: raw.trim() });
  });

  it.each(['全国', '全国包邮', 'National', 'Nationwide', 'online', 'ONLINE'])('marks %j nationwide', (raw) => {
    expect(normalizeCity(raw)).toEqual({ code: null, nationwide: true, raw });
  });

  it('keeps unknown names, cleaned, so nothing is lost', () => {
    expect(normalizeCity('乐山市')).toEqual({ code: '乐山', nationwide: false, raw: '乐山市' });
    expect(normalizeCity('  Boise  ')).toEqual({ code: 'Boise', nationwide: false, raw: 'Boise' });
    // A one-character stem keeps its suffix.
    expect(normalizeCity('沙县')).toEqual({ code: '沙县', nationwide: false, raw: '沙县' });
  });

  it('returns no city for empty input', () => {
    expect(normalizeCity('')).toEqual({ code: null, nationwide: false, raw: null });
    expect(normalizeCity('   ')).toEqual({ code: null, nationwide: false, raw: null });
    expect(normalizeCity(null)).toEqual({ code: null, nationwide: false, raw: null });
  });

  it('has the promised coverage and unique codes', () => {
    const codes = cityTable.cities.map((city) => city.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(cityTable.cities.filter((city) => city.country === 'CN').length).toBeGreaterThanOrEqual(60);
    expect(cityTable.cities.filter((city) => !['CN', 'HK', 'MO', 'TW'].includes(city.country)).length).toBeGreaterThanOrEqual(20);
    for (const city of cityTable.cities) expect(normalizeCity(city.zh).code).toBe(city.code);
    for (const city of cityTable.cities) expect(normalizeCity(city.en).code).toBe(city.code);
  });
});
