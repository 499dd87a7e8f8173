// Interface languages: the shopper's choice from Accept-Language, messages from ./messages,
// and money and time formatted for that locale with Intl. A message that counts something is an
// object of plural forms ({"one": "{count} deal", "other": "{count} deals"}), chosen for `count`
// by Intl.PluralRules: each language lists the forms it has (Chinese only "other").
import en from './messages/en.json';
import zhCN from './messages/zh-CN.json';

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];
export type MessageKey = keyof typeof en;

/** A message with plural forms, by Intl.PluralRules category; `other` is always there. */
type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
type Message = string | PluralMessage;

const catalogues: Record<Locale, Record<MessageKey, Message>> = { en, 'zh-CN': zhCN };

/** The best supported locale for an Accept-Language header; Chinese of any region reads zh-CN. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A `lang` cookie (the shopper's own choice) wins over Accept-Language. */
export function requestLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  return isLocale(cookie) ? cookie : pickLocale(acceptLanguage);
}

export const isLocale = (value: unknown): value is Locale => (locales as readonly unknown[]).includes(value);

export interface Translator {
  locale: Locale;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  money(minor: number, currency: string): string;
  relativeTime(until: Date, now: Date): string;
  /** Date and time in `timeZone`, with the zone named so a shopper elsewhere is not misled. */
  dateTime(at: Date, timeZone: string): string;
  date(at: Date, timeZone: string): string;
  percent(fraction: number): string;
  number(value: number): string;
}

/** Intl formatters by a key of few values (a time zone, a currency code); at most 500 kept. */
class FormatterMemo<F> {
  private readonly made = new Map<string, F>();
  constructor(private readonly make: (key: string) => F) {}

  get(key: string): F {
    let format = this.made.get(key);
    if (format === undefined) {
      format = this.make(key); // throws on an unknown zone or code, before anything is kept
      if (this.made.size < 500) this.made.set(key, format);
    }
    return format;
  }
}

/** One translator per locale, made once: building the Intl formatters cost ~9 % of a cached listing answer. */
const translators = new Map<Locale, Translator>();

export function translator(locale: Locale): Translator {
  let made = translators.get(locale);
  if (!made) translators.set(locale, made = buildTranslator(locale));
  return made;
}

function buildTranslator(locale: Locale): Translator {
  const messages = catalogues[locale];
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const number = new Intl.NumberFormat(locale);
  const plurals = new Intl.PluralRules(locale);
  // Formatters per time zone (the sites' zones: a handful), made on first use.
  const dateTimes = new FormatterMemo((timeZone) => new Intl.DateTimeFormat(locale, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short',
  }));
  const dates = new FormatterMemo((timeZone) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }));
  /** The message's text: its plural form for `values.count` (a number, shown in the locale's digits). */
  const text = (message: Message, values: Record<string, string | number>): { text: string; values: Record<string, string | number> } => {
    if (typeof message === 'string') return { text: message, values };
    const count = values.count;
    if (typeof count !== 'number') return { text: message.other, values };
    return { text: message[plurals.select(count)] ?? message.other, values: { ...values, count: number.format(count) } };
  };
  return {
    locale,
    dateTime: (at, timeZone) => dateTimes.get(timeZone).format(at),
    date: (at, timeZone) => dates.get(timeZone).format(at),
    percent: (fraction) => percent.format(fraction),
    number: (value) => number.format(value),
    t(key, values = {}) {
      const chosen = text(messages[key], values);
      return chosen.text.replace(/\{(\w+)\}/g, (_, name: string) => String(chosen.values[name] ?? `{${name}}`));
    },
    money: (minor, currency) => formatMoney(locale, minor, currency),
    relativeTime(until, now) {
      const minutes = Math.round((until.getTime() - now.getTime()) / 60_000);
      if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
      const hours = Math.round(minutes / 60);
      if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
      return relative.format(Math.round(hours / 24), 'day');
    },
  };
}

/** Currency formatters by locale and currency code (a few dozen at most: the codes feeds use). */
const moneyFormats = new FormatterMemo((key) => {
  const [locale, currency] = key.split(' ');
  return new Intl.NumberFormat(locale, { style: 'currency', currency });
});

const currencyDigits = new FormatterMemo((currency) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2);

/** Digits of the currency's minor unit (2 for CNY, 0 for JPY), as Intl knows them; made once per code. */
export const minorDigits = (currency: string): number => currencyDigits.get(currency);

/** Formats minor units exactly: the amount goes to Intl as a decimal string, never through a float. */
export function formatMoney(locale: string, minor: number, currency: string): string {
  const format = moneyFormats.get(`${locale} ${currency}`);
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const units = String(Math.abs(minor)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  // Intl formats decimal strings exactly (ECMA-402 NumberFormat v3); the cast is for older lib types.
  return format.format(`${sign}${decimal}` as unknown as number);
}

/** The values every page template gets: its language and the message function. */
export function templateContext(tr: Translator): { locale: Locale; t: Translator['t'] } {
  return { locale: tr.locale, t: tr.t };
}
