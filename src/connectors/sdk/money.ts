// Vendor amounts to Weft money: integer minor units, never through a float. Vendors send decimal
// strings ("414.95"), JSON numbers (89.99) or minor units already (Square's `amount: 1099`); the
// currency decides how many decimals the minor unit has (ISO 4217: JPY 0, EUR 2, KWD 3).

import { MappingError } from '../../errors/index.ts';

// ISO 4217 currencies whose minor unit is not 1/100. Every other code has two decimals.
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Decimals of a currency's minor unit (2 unless ISO 4217 says otherwise). */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** Whether a value is an ISO 4217-shaped currency code. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
}

/**
 * A decimal amount (string or JSON number) in minor units of `currency`: "414.95" USD → 41495.
 * Throws a MappingError at `pointer` when the value is not a decimal, or has more decimals than
 * the currency's minor unit (other than trailing zeros): rounding money silently is how ledgers drift.
 */
export function toMinorUnits(value: unknown, currency: string, pointer: string): number {
  // A JSON number's shortest round-trip text is the literal the vendor wrote for up to 15 digits.
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') throw new MappingError(`${pointer} is not an amount`, [{ pointer, message: `expected a decimal amount, got ${JSON.stringify(value) ?? 'nothing'}` }]);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new MappingError(`${pointer} is not a decimal amount`, [{ pointer, message: `"${text}" is not a decimal amount` }]);
  const [, sign, whole, fraction = ''] = match as unknown as [string, string, string, string | undefined];
  const exponent = currencyExponent(currency);
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    throw new MappingError(`${pointer} has more decimals than ${currency} has`, [{ pointer, message: `"${text}" has ${significant.length} decimals; ${currency} has ${exponent}` }]);
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt((significant + '0'.repeat(exponent)).slice(0, exponent) || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MappingError(`${pointer} is too large`, [{ pointer, message: `"${text}" ${currency} exceeds the largest amount Weft holds` }]);
  const amount = Number(minor);
  return sign === '-' && amount !== 0 ? -amount : amount;
}

/** An integer amount already in minor units (Square's `amount`), checked. */
export function minorUnitsOf(value: unknown, pointer: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new MappingError(`${pointer} is not an amount in minor units`, [{ pointer, message: `expected an integer, got ${JSON.stringify(value) ?? 'nothing'}` }]);
  return number;
}
