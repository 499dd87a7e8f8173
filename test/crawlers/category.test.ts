import { describe, expect, it } from 'vitest';
import { categories, mapCategory } from '../../crawlers/normalize/category';

describe('mapCategory', () => {
  it('maps hao123 v2 codes 1–6 (ZuituGo 2012 list)', () => {
    expect(['1', '2', '3', '4', '5', '6'].map((code) => mapCategory(code))).toEqual([
      'food', 'entertainment', 'services', 'shopping', 'travel', 'beauty',
    ]);
    expect(mapCategory(1)).toBe('food');
    expect(mapCategory('99')).toBeNull();
  });

  it('maps Chinese subcategory and tag words', () => {
    expect(mapCategory('火锅')).toBe('food');
    expect(mapCategory('电影')).toBe('entertainment');
    expect(mapCategory('美发')).toBe('beauty');
    expect(mapCategory('健身运动')).toBe('fitness');
    expect(mapCategory('驾校')).toBe('education');
    expect(mapCategory('其它')).toBe('other');
  });

  it('maps English Groupon tag names case-insensitively', () => {
    expect(mapCategory('Restaurants')).toBe('food');
    expect(mapCategory('Water Sports')).toBe('entertainment');
    expect(mapCategory('SPA')).toBe('beauty');
    expect(mapCategory('Health & Fitness')).toBe('fitness');
    expect(mapCategory('Getaways')).toBe('travel');
  });

  it('tries values in order and splits tag lists', () => {
    expect(mapCategory('美发', '3')).toBe('beauty');
    expect(mapCategory(null, '', '电影')).toBe('entertainment');
    expect(mapCategory('邮购,美容')).toBe('shopping');
    expect(mapCategory('无, 美食')).toBe('food');
  });

  it('returns null when nothing maps', () => {
    expect(mapCategory()).toBeNull();
    expect(mapCategory('无', null, undefined, 'Unheard Of')).toBeNull();
  });

  it('gives every category both labels', () => {
    expect(categories.map((category) => category.slug)).toEqual([
      'food', 'entertainment', 'beauty', 'services', 'shopping', 'travel', 'fitness', 'education', 'other',
    ]);
    for (const category of categories) {
      expect(category.zh).not.toBe('');
      expect(category.en).not.toBe('');
    }
  });
});
