// Money as integers of a currency's minor unit (fen, cents). Feed prices are decimal strings
// ("158.00", "¥1,280.00", "15.00 USD"); they are parsed digit by digit, never through a float,
// so "0.29" is 29 fen and not 28.999….

export interface Money {
  /** Amount in minor units of `currency` (or of a 2-decimal currency when it is unknown). */
  minor: number;
  /** ISO 4217 code, null when the text names no currency and no default was given. */
  currency: string | null;
}

/** ISO 4217 minor-unit digits for the currencies deal feeds use; any other code gets 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  CNY: 2, USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, NZD: 2, HKD: 2, TWD: 2, SGD: 2, RUB: 2,
  INR: 2, BRL: 2, MXN: 2, PLN: 2, CHF: 2, SEK: 2, DKK: 2, NOK: 2, ZAR: 2, MOP: 2,
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0,
};

/** Currency words and symbols seen around prices, in the order they are tried. */
const CURRENCY_MARKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/人民币|元|¥|RMB/i, 'CNY'],
  [/US\$|\$/, 'USD'],
  [/€/, 'EUR'],
  [/£/, 'GBP'],
  [/₩|원/, 'KRW'],
  [/円/, 'JPY'],
];

const ISO_CODE = /(?:^|[^A-Za-z])([A-Z]{3})(?:$|[^A-Za-z])/;
const PLAIN_NUMBER = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;
const GROUPED_NUMBER = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/**
 * Parses a price as feeds write it. Returns null for text without a non-negative amount
 * ("面议", "", "-5"). `defaultCurrency` applies when the text names none.
 */
export function parseMoney(
  raw: string | number | null | undefined,
  defaultCurrency: string | null = null,
): Money | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number' && !Number.isFinite(raw)) return null;
  const text = toHalfWidth(String(raw)).trim();
  if (text === '') return null;

  const currency = currencyIn(text) ?? defaultCurrency;
  const numberText = text
    .replace(/人民币|元|RMB|US\$|[¥$€£₩원円]/gi, '')
    .replace(/[A-Z]{3}/g, '')
    .replace(/\s+/g, '');
  const minor = decimalToMinor(numberText, currency === null ? 2 : currencyExponent(currency));
  return minor === null ? null : { minor, currency };
}

/**
 * Converts an amount given in minor units with an explicit exponent (Groupon's
 * `{amount, currencyExponent}`) to the currency's standard minor unit, exactly; a division that
 * leaves a remainder rounds half up. Null when the input is not a whole, safe number.
 */
export function fromMinorWithExponent(amount: number, exponent: number, currency: string): number | null {
  if (!Number.isSafeInteger(amount) || amount < 0) return null;
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 12) return null;
  const shift = currencyExponent(currency) - exponent;
  let result: bigint;
  if (shift >= 0) {
    result = BigInt(amount) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    result = (BigInt(amount) * 2n + divisor) / (divisor * 2n);
  }
  return result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : null;
}

/** "1280.5" with exponent 2 → 128050; extra fraction digits round half up. */
function decimalToMinor(text: string, exponent: number): number | null {
  const ungrouped = GROUPED_NUMBER.test(text) ? text.replace(/,/g, '') : text;
  const match = PLAIN_NUMBER.exec(ungrouped);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? match[3] ?? '';
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const roundUp = (fraction[exponent] ?? '0') >= '5';
  const minor = BigInt(whole + kept) + (roundUp ? 1n : 0n);
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
}

function currencyIn(text: string): string | null {
  const code = ISO_CODE.exec(text)?.[1];
  if (code) return code === 'RMB' ? 'CNY' : code;
  for (const [mark, currency] of CURRENCY_MARKS) {
    if (mark.test(text)) return currency;
  }
  return null;
}

/** Full-width digits, point, comma and yen sign (common in Chinese feeds) to their ASCII forms. */
function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
    .replace(/．/g, '.')
    .replace(/，/g, ',')
    .replace(/[￥]/g, '¥')
    .replace(/＄/g, '$');
}
