// Exact money for the money side: decimal strings in major units to integer minor units and back,
// digit by digit, never through a float.
import { currencyExponent } from '../../crawlers/normalize/money';

export { currencyExponent };

const DECIMAL = /^(0|[1-9][0-9]{0,14})(?:\.([0-9]+))?$/;

/**
 * "68.01" CNY → 6801. Null when the text is not a plain non-negative decimal, or carries more
 * fraction digits than the currency's minor unit has (a postback amount is read exactly, never rounded).
 */
export function parseExactAmount(text: string, currency: string): number | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const exponent = currencyExponent(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) return null;
  const minor = BigInt(match[1]! + fraction.padEnd(exponent, '0'));
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
}

/** 6801 CNY → "68.01"; -578 → "-5.78"; JPY keeps no decimals. */
export function formatMinor(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
