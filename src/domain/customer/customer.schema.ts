import Type, { type Static } from 'typebox';
import {
  Address,
  Attributes,
  Email,
  ExternalRefs,
  LanguageTag,
  Instant,
  LocalDate,
  PhoneE164,
  SystemName,
} from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { asField, objectOptions } from '../shared/schema-options.ts';

// The customer master record. Many systems know a customer (web shop, POS, CRM, loyalty, service desk);
// this is the merged view Weft keeps, with the consents that decide which of them may contact whom.

/** A person's name as parts, because salutations and sorting need the parts, and `full` when only that is known. */
export const PersonName = Type.Object(
  {
    given: Type.Optional(Type.String({ maxLength: 100, description: 'Given (first) name.' })),
    family: Type.Optional(Type.String({ maxLength: 100, description: 'Family (last) name.' })),
    full: Type.Optional(Type.String({ maxLength: 200, description: 'The whole name as one string, when the source has no parts.' })),
    salutation: Type.Optional(Type.String({ maxLength: 50, description: 'Form of address as the source gives it (Frau, Mr, Dr).' })),
  },
  objectOptions('PersonName', 'A person\'s name.'),
);
/** A person's name. */
export type PersonName = Static<typeof PersonName>;

/** An email address of a customer; `verified` decides whether identity matching may trust it. */
export const EmailContact = Type.Object(
  {
    address: Type.With(Email, { description: 'The email address itself.' }),
    primary: Type.Boolean({ description: 'The address to use when only one is wanted; at most one per customer.' }),
    verified: Type.Boolean({ description: 'The customer proved they own it (double opt-in, login).' }),
  },
  objectOptions('EmailContact', 'An email address of a customer.'),
);
/** An email address of a customer. */
export type EmailContact = Static<typeof EmailContact>;

/** A phone number of a customer. */
export const PhoneContact = Type.Object(
  {
    number: Type.With(PhoneE164, { description: 'The phone number, in E.164 format.' }),
    kind: Type.Optional(Type.Enum(['mobile', 'landline', 'work'], { description: 'Only mobiles can receive SMS.' })),
    primary: Type.Boolean({ description: 'The number to use when only one is wanted; at most one per customer.' }),
    verified: Type.Boolean({ description: 'The customer proved they own it (SMS code).' }),
  },
  objectOptions('PhoneContact', 'A phone number of a customer.'),
);
/** A phone number of a customer. */
export type PhoneContact = Static<typeof PhoneContact>;

/** The use of a customer address. */
export const CustomerAddressKind = Type.Enum(['billing', 'shipping', 'home'], { description: 'What the address is used for.' });
/** The use of a customer address. */
export type CustomerAddressKind = Static<typeof CustomerAddressKind>;

/** A postal address a customer uses, typed so checkout can prefill the right one. */
export const CustomerAddress = Type.Object(
  {
    kind: CustomerAddressKind,
    isDefault: Type.Boolean({ description: 'Preselected for its kind; at most one default per kind.' }),
    address: Type.With(Address, { description: 'The address itself.' }),
  },
  objectOptions('CustomerAddress', 'A postal address a customer uses.'),
);
/** A postal address a customer uses. */
export type CustomerAddress = Static<typeof CustomerAddress>;

/** How a customer may be contacted or processed; `profiling` covers personalisation and analytics. */
export const ConsentChannel = Type.Enum(['email', 'sms', 'phone', 'post', 'profiling'], {
  description: 'Channel or processing the consent covers.',
});
/** How a customer may be contacted or processed. */
export type ConsentChannel = Static<typeof ConsentChannel>;

/** Where a consent was given or withdrawn, because GDPR asks the controller to prove it. */
export const ConsentSource = Type.Object(
  {
    system: Type.With(SystemName, { description: 'The system the consent was captured in, by its configured name (lowercase, digits, dashes).' }),
    touchpoint: Type.Optional(Type.String({ maxLength: 100, description: 'Form, page or till where it was captured (checkout, newsletter-footer).' })),
    wording: Type.Optional(Type.String({ maxLength: 100, description: 'Version of the consent text shown.' })),
  },
  objectOptions('ConsentSource', 'Where a consent was captured.'),
);
/** Where a consent was captured. */
export type ConsentSource = Static<typeof ConsentSource>;

/** The current state of one consent (channel × purpose); one entry per pair, history lives in the event log. */
export const Consent = Type.Object(
  {
    channel: ConsentChannel,
    purpose: Type.String({
      pattern: '^[a-z][a-z0-9_]{0,49}$',
      description: 'What the customer agreed to, as a retailer-defined code.',
      examples: ['newsletter', 'personalised_offers', 'order_updates'],
    }),
    status: Type.Enum(['granted', 'denied', 'withdrawn'], {
      description: 'Denied = never given; withdrawn = given, then taken back (both forbid contact).',
    }),
    capturedAt: Instant('When the customer gave, denied or withdrew this consent'),
    source: ConsentSource,
  },
  objectOptions('Consent', 'The current state of one consent of a customer.'),
);
/** The current state of one consent. */
export type Consent = Static<typeof Consent>;

/** Loyalty programme membership. */
export const LoyaltyMembership = Type.Object(
  {
    memberId: Type.String({ minLength: 1, maxLength: 100, description: 'Card or member number in the loyalty programme.' }),
    tier: Type.Optional(Type.String({ maxLength: 50, description: 'Tier code; promotions can be limited to tiers.', examples: ['gold'] })),
    programme: Type.Optional(Type.String({ maxLength: 100, description: 'Programme name, when a retailer runs several.' })),
  },
  objectOptions('LoyaltyMembership', 'Loyalty programme membership.'),
);
/** Loyalty programme membership. */
export type LoyaltyMembership = Static<typeof LoyaltyMembership>;

/** Lifecycle of a customer record: merged records point at the survivor, erased ones keep no personal data. */
export const CustomerStatus = Type.Enum(['active', 'merged', 'erased'], { description: 'Lifecycle of the customer record.' });
/** Lifecycle of a customer record. */
export type CustomerStatus = Static<typeof CustomerStatus>;

/** A customer: the golden record Weft keeps across all systems that know this person. */
export const Customer = Type.Object(
  {
    id: CanonicalId('customer'),
    status: CustomerStatus,
    mergedInto: Type.Optional(CanonicalId('customer', 'The surviving customer, when this record was merged into another.')),
    externalRefs: ExternalRefs,
    name: Type.Optional(asField(PersonName, 'The customer\'s name.')),
    emails: Type.Array(EmailContact, { maxItems: 50, description: 'Email addresses; at most one primary.' }),
    phones: Type.Array(PhoneContact, { maxItems: 50, description: 'Phone numbers; at most one primary.' }),
    addresses: Type.Array(CustomerAddress, { maxItems: 100, description: 'Postal addresses; at most one default per kind.' }),
    consents: Type.Array(Consent, { maxItems: 100, description: 'Current consent per channel × purpose; the history is in the event log.' }),
    loyalty: Type.Optional(LoyaltyMembership),
    birthDate: Type.Optional(Type.With(LocalDate, { description: 'Date of birth (YYYY-MM-DD), for age checks and birthday offers.' })),
    locale: Type.Optional(Type.With(LanguageTag, { description: 'The language the customer wants to be addressed in (BCP 47).' })),
    attributes: Type.Optional(Attributes),
    createdAt: Instant('When the customer record was created'),
    updatedAt: Instant('When the customer record last changed'),
  },
  objectOptions('Customer', 'A customer: the merged record across every system that knows them.'),
);
/** A customer. */
export type Customer = Static<typeof Customer>;
