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
