import Type, { type Static } from 'typebox';

// The value types every canonical object is built from. Each carries one convention of
// ARCHITECTURE.md so no object can get it wrong on its own.

/** An ISO 4217 alphabetic currency code. */
export const CurrencyCode = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 alphabetic currency code.',
  examples: ['EUR', 'USD', 'JPY'],
});

/**
 * An amount of money: integer minor units plus currency, never a float. 1999 EUR is EUR 19.99;
 * 500 JPY is JPY 500 (JPY has no minor unit). Negative amounts are allowed where the object says so.
 */
export const Money = Type.Object(
  {
    amount: Type.Integer({ description: 'Amount in the currency\'s minor units (cents for EUR/USD).' }),
    currency: CurrencyCode,
  },
  { additionalProperties: false, description: 'Money in integer minor units plus an ISO 4217 currency.' },
);
/** Money in integer minor units plus an ISO 4217 currency. */
export type Money = Static<typeof Money>;

/** An instant in ISO 8601 UTC (`2026-11-23T19:49:39.123Z`). */
export const Timestamp = Type.String({
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$',
  description: 'Instant in ISO 8601, UTC (ends in Z).',
  examples: ['2026-11-23T19:49:39.123Z'],
});

/**
 * A timestamp field described by what happened at that instant; the description keeps the format
 * note, so a reader of any one field knows it is UTC. `what` has no final full stop.
 */
export function Instant(what: string) {
  return Type.With(Timestamp, { description: `${what} (ISO 8601 UTC).` });
}

/** A calendar date without time (`2026-11-23`), for birthdays and business dates. */
export const LocalDate = Type.String({ format: 'date', description: 'Calendar date, ISO 8601 (YYYY-MM-DD).', examples: ['2026-11-23'] });

/** An ISO 3166-1 alpha-2 country code. */
export const CountryCode = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2 country code.',
  examples: ['DE', 'US', 'GB'],
});

/** A phone number in E.164 (`+4930123456`). */
export const PhoneE164 = Type.String({
  pattern: '^\\+[1-9]\\d{1,14}$',
  description: 'Phone number in E.164 format.',
  examples: ['+4930901820'],
});

/** An email address. */
export const Email = Type.String({ format: 'email', maxLength: 254, description: 'Email address.', examples: ['anna.schmidt@example.com'] });

/** A stock keeping unit as the retailer writes it. */
export const Sku = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S(.*\\S)?$',
  description: 'Stock keeping unit, the retailer\'s own item code (no leading/trailing spaces).',
  examples: ['TSH-0815-L-WHT'],
});

/** A GTIN-8/12/13/14 (check digit verified by `isValidGtin`). */
export const Gtin = Type.String({
  pattern: '^(\\d{8}|\\d{12}|\\d{13}|\\d{14})$',
  description: 'GS1 Global Trade Item Number (GTIN-8, -12, -13 or -14).',
  examples: ['4006381333931'],
});

/** A quantity of units: always an integer. */
export const Quantity = Type.Integer({ description: 'Quantity in units (integer).' });
/** A quantity that cannot be negative. */
export const NonNegativeQuantity = Type.Integer({ minimum: 0, description: 'Quantity in units (integer, >= 0).' });

/** A rate in basis points (1/100 of a percent): 1900 = 19 %. Avoids floats for tax and discount rates. */
export const BasisPoints = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Rate in basis points: 1900 = 19 %.' });

/** An id in another system. Always a string: Shopify ids exceed 2^53 and would lose digits as numbers. */
export const VendorId = Type.String({ minLength: 1, maxLength: 255, description: 'Identifier in an external system, kept as a string.' });

/** A system instance name, as configured in Weft (`shopify-eu`, `netsuite`, `pos-store-12`). */
export const SystemName = Type.String({
  pattern: '^[a-z][a-z0-9-]{0,62}$',
  description: 'Configured system instance name (lowercase, digits, dashes).',
  examples: ['shopify-eu', 'netsuite', 'pos-store-12'],
});

/** Where the canonical object is known in another system: the system and that system's id. */
export const ExternalRef = Type.Object(
  {
    system: Type.With(SystemName, { description: 'The system, by its configured name (lowercase, digits, dashes).' }),
    id: Type.With(VendorId, { description: 'The object\'s id in that system, as a string even when numeric there.' }),
  },
  { additionalProperties: false, description: 'The id of this object in one external system.' },
);
/** The id of an object in one external system. */
export type ExternalRef = Static<typeof ExternalRef>;

/** All the systems an object is known in. Weft's cross-reference map is built from these. */
export const ExternalRefs = Type.Array(ExternalRef, { description: 'The ids of this object in external systems.' });

/** A postal address. */
export const Address = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200, description: 'Name of the person at the address, as printed on a label.' })),
    company: Type.Optional(Type.String({ maxLength: 200, description: 'Company name, for business addresses.' })),
    line1: Type.String({ minLength: 1, maxLength: 200, description: 'Street and house number (or PO box).' }),
    line2: Type.Optional(Type.String({ maxLength: 200, description: 'More of the address: apartment, floor, c/o.' })),
    city: Type.String({ minLength: 1, maxLength: 100, description: 'City or town.' }),
    region: Type.Optional(Type.String({ maxLength: 100, description: 'State, province or county; ISO 3166-2 subdivision code where known.' })),
    postalCode: Type.Optional(Type.String({ maxLength: 20, description: 'Postal or ZIP code, as written in the country.' })),
    country: CountryCode,
    phone: Type.Optional(Type.With(PhoneE164, { description: 'Phone number at the address, for the carrier (E.164).' })),
  },
  { additionalProperties: false, description: 'Postal address.' },
);
/** A postal address. */
export type Address = Static<typeof Address>;

/** Free-form string attributes a retailer carries along (custom fields), never interpreted by Weft. */
export const Attributes = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 4000 }), {
  description: 'Retailer-specific attributes: string keys to string values, carried through unchanged.',
  examples: [{ fit: 'regular', care: 'machine_wash_30' }],
});

/** Verifies a GTIN's GS1 check digit. */
export function isValidGtin(gtin: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop() as number;
  let sum = 0;
  // Weights alternate 3,1,3,... starting from the digit next to the check digit.
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = weight === 3 ? 1 : 3) {
    sum += (digits[i] as number) * weight;
  }
  return (10 - (sum % 10)) % 10 === check;
}

// Additions for canonical model v1.

/** Money that cannot be negative: prices, totals, payment amounts. Direction is carried by the field, not the sign. */
export const NonNegativeMoney = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, description: 'Amount in the currency\'s minor units (cents for EUR/USD), >= 0.' }),
    currency: CurrencyCode,
  },
  { title: 'NonNegativeMoney', additionalProperties: false, description: 'Non-negative money in integer minor units plus an ISO 4217 currency.' },
);
/** Money that cannot be negative. */
export type NonNegativeMoney = Static<typeof NonNegativeMoney>;

/** A BCP 47 language tag (`de-DE`, `en-US`, `zh-Hant-TW`), so messages reach customers in their language. */
export const LanguageTag = Type.String({
  pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$',
  maxLength: 35,
  description: 'BCP 47 language tag.',
  examples: ['de-DE', 'en-US'],
});

/** An IANA time zone name (`Europe/Berlin`): opening hours and business dates are local to a location. */
export const TimeZone = Type.String({
  pattern: '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$',
  maxLength: 64,
  description: 'IANA time zone name.',
  examples: ['Europe/Berlin', 'America/Chicago'],
});

/** A wall-clock time of day (`09:30`), local to the location it belongs to. */
export const LocalTime = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: 'Local time of day, HH:MM (24-hour clock).',
  examples: ['09:30', '20:00'],
});

/** A sales channel: where an order was placed or a price or promotion applies. */
export const SalesChannel = Type.Enum(['web', 'marketplace', 'pos', 'call_centre', 'app'], {
  description: 'Sales channel: web shop, marketplace, store point of sale, call centre or mobile app.',
});
/** A sales channel. */
export type SalesChannel = Static<typeof SalesChannel>;
