import { describe, expect, it } from 'vitest';
import en from '../../src/web/messages/en.json';
import zh from '../../src/web/messages/zh-CN.json';
import { formatMoney, pickLocale, translator } from '../../src/web/i18n';

describe('interface language', () => {
  it.each([
    [undefined, 'en'], ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'], ['zh-TW', 'zh-CN'], ['en-US,en;q=0.9', 'en'],
    ['fr-FR,zh;q=0.5', 'zh-CN'], ['en;q=0.2,zh;q=0.8', 'zh-CN'], ['zh;q=0,en', 'en'], ['de', 'en'],
  ])('Accept-Language %s reads as %s', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });

  it('has every message in both languages', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('fills message placeholders', () => {
    expect(translator('zh-CN').t('sold', { count: 413 })).toBe('413人已购买');
    expect(translator('en').t('off', { percent: 57 })).toBe('57% off');
  });
});

describe('plural messages', () => {
  it('chooses the plural form by Intl.PluralRules and shows the count in the locale\'s digits', () => {
    const en = translator('en');
    expect(en.t('dealCount', { count: 1 })).toBe('1 deal');
    expect(en.t('dealCount', { count: 0 })).toBe('0 deals');
    expect(en.t('dealCount', { count: 12345 })).toBe('12,345 deals');
    expect(en.t('moreSites', { count: 1 })).toMatch(/^1 more site has/);
    expect(en.t('favouritesMissing', { count: 2 })).toBe('2 starred deals are no longer listed.');
    // Chinese has one form.
    expect(translator('zh-CN').t('dealCount', { count: 1 })).toBe('共1个团购');
    expect(translator('zh-CN').t('dealCount', { count: 12345 })).toBe('共12,345个团购');
  });

  it('has the "other" form of every plural message in both languages', () => {
    for (const catalogue of [en, zh]) {
      for (const [key, message] of Object.entries(catalogue)) {
        if (typeof message !== 'string') expect(typeof message.other, key).toBe('string');
      }
    }
  });
});

describe('money display', () => {
  it('formats minor units exactly for each locale and currency', () => {
    expect(formatMoney('zh-CN', 6800, 'CNY')).toBe('¥68.00');
    expect(formatMoney('zh-CN', 128000, 'CNY')).toBe('¥1,280.00');
    expect(formatMoney('en', 3300, 'USD')).toBe('$33.00');
    expect(formatMoney('en', 1, 'USD')).toBe('$0.01');
    expect(formatMoney('en', 500, 'JPY')).toBe('¥500');
    // The largest safe integer: dividing it by 100 as a float would lose the last cent.
    expect(formatMoney('en', Number.MAX_SAFE_INTEGER, 'USD')).toBe('$90,071,992,547,409.91');
  });
});
