// The simulated NetSuite account's records: internal ids from one counter, external ids unique per
// record type (as NetSuite enforces), the eid upsert, the transforms the connector uses with their
// totals (a customer payment transformed from an invoice applies to it and leaves it Paid In Full
// once nothing is due), and the SuiteQL query shapes the connector sends. No SQL engine: each query
// shape the connector emits is matched by a pattern, anything else is a 400 like a query NetSuite
// cannot parse.

/** A stored record: REST field names, sublists as `{ items: [...] }`. */
export type SimRecord = Record<string, unknown> & { id: string; lastModifiedMs: number };

/** A failure the routes turn into NetSuite's error body. */
export class SimFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly path: string | undefined;
  constructor(status: number, code: string, detail: string, path?: string) {
    super(detail);
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

/** Record types whose instances are transactions (SuiteQL's `transaction` table). */
export const TRANSACTION_TYPES: ReadonlySet<string> = new Set(['salesOrder', 'itemFulfillment', 'invoice', 'returnAuthorization', 'cashRefund', 'inventoryAdjustment', 'customerPayment']);
// Transactions without an item sublist or item totals.
const LINELESS: ReadonlySet<string> = new Set(['inventoryAdjustment', 'customerPayment']);
const KNOWN_TYPES = new Set([...TRANSACTION_TYPES, 'customer', 'inventoryItem']);
const TRANSFORMS = new Set(['salesOrder>itemFulfillment', 'salesOrder>invoice', 'salesOrder>returnAuthorization', 'returnAuthorization>cashRefund', 'invoice>customerPayment']);
const TRAN_PREFIX: Readonly<Record<string, string>> = { salesOrder: 'SO', itemFulfillment: 'IF', invoice: 'INV', returnAuthorization: 'RMA', cashRefund: 'CR', inventoryAdjustment: 'ADJ', customerPayment: 'PYMT' };
// An invoice's status as REST shows it (the invoice mapping reads id B as paid).
const OPEN = { id: 'A', refName: 'Open' };
const PAID_IN_FULL = { id: 'B', refName: 'Paid In Full' };
// SuiteQL's transaction.recordtype values of the REST record types.
const RECORD_TYPE_SQL: Readonly<Record<string, string>> = { itemFulfillment: 'itemfulfillment', invoice: 'invoice', salesOrder: 'salesorder' };

/** Decimal string → integer hundredths (the simulator's account works in two-decimal currencies). */
function cents(value: unknown, path: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+(\.\d{1,2})?$/.test(text)) throw new SimFailure(400, 'INVALID_CONTENT', `Invalid Field Value ${JSON.stringify(value)} for the following field: ${path}`, path);
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const amount = Number(whole) * 100 + Number((fraction + '00').slice(0, 2));
  return text.startsWith('-') ? -amount : amount;
}
const money = (hundredths: number): string => `${hundredths < 0 ? '-' : ''}${Math.floor(Math.abs(hundredths) / 100)}.${String(Math.abs(hundredths) % 100).padStart(2, '0')}`;

const linesOf = (record: Record<string, unknown>): Record<string, unknown>[] => {
  const sublist = record.item as { items?: unknown } | undefined;
  return Array.isArray(sublist?.items) ? (sublist.items as Record<string, unknown>[]) : [];
};

/** The records of one simulated account. */
export function createRecordStore(now: () => number) {
  const records = new Map<string, Map<string, SimRecord>>();
  let nextId = 100;
  const tranNumbers = new Map<string, number>();

  const table = (type: string) => {
    let map = records.get(type);
    if (map === undefined) records.set(type, (map = new Map()));
    return map;
  };
  const checkType = (type: string) => {
    if (!KNOWN_TYPES.has(type)) throw new SimFailure(404, 'NONEXISTENT_ID', `Record type '${type}' does not exist.`);
  };
  const byExternalId = (type: string, externalId: string) => [...table(type).values()].find((record) => record.externalId === externalId);

  /** The record `key` (an internal id or `eid:<external id>`) of `type`, or undefined. */
  function find(type: string, key: string): SimRecord | undefined {
    checkType(type);
    return key.startsWith('eid:') ? byExternalId(type, key.slice(4)) : table(type).get(key);
  }

  function requireRef(type: string, ref: unknown, path: string): { id: string; refName: string } {
    const id = (ref as { id?: unknown } | undefined)?.id;
    const record = typeof id === 'string' ? table(type).get(id) : undefined;
    if (record === undefined) throw new SimFailure(400, 'INVALID_CONTENT', `Error while accessing resource: You have entered an Invalid Field Value ${JSON.stringify(id) ?? 'null'} for the following field: ${path}`, path);
    return { id: record.id, refName: String(record.itemId ?? record.lastName ?? record.tranId ?? record.id) };
  }

  // Lines as NetSuite keeps them: references resolved, amounts as decimal strings, line numbers.
  function normaliseLines(lines: Record<string, unknown>[]): Record<string, unknown>[] {
    return lines.map((line, index) => {
      const item = requireRef('inventoryItem', line.item, `item.items[${index}].item`);
      const quantity = line.quantity;
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= 0) throw new SimFailure(400, 'INVALID_CONTENT', `Invalid Field Value ${JSON.stringify(quantity)} for the following field: quantity`, `item.items[${index}].quantity`);
      const rate = line.rate === undefined ? 0 : cents(line.rate, `item.items[${index}].rate`);
      const amount = line.amount === undefined ? rate * quantity : cents(line.amount, `item.items[${index}].amount`);
      return { ...line, item, quantity, rate: money(rate), amount: money(amount), line: index + 1 };
    });
  }

  function withTotals(record: Record<string, unknown>): void {
    const subtotal = linesOf(record).reduce((sum, line) => sum + cents(line.amount, 'amount'), 0);
    const discount = record.discountRate === undefined ? 0 : cents(record.discountRate, 'discountRate');
    const shipping = record.shippingCost === undefined ? 0 : cents(record.shippingCost, 'shippingCost');
    Object.assign(record, { subtotal: money(subtotal), discountTotal: money(discount), shippingCost: money(shipping), taxTotal: '0.00', total: money(subtotal + discount + shipping) });
  }

  // What an invoice has due follows from its total and what payments applied to it.
  function balance(invoice: Record<string, unknown>): void {
    const paid = invoice.amountPaid === undefined ? 0 : cents(invoice.amountPaid, 'amountPaid');
    const remaining = cents(invoice.total, 'total') - paid;
    Object.assign(invoice, { amountPaid: money(paid), amountRemaining: money(remaining), status: remaining <= 0 ? PAID_IN_FULL : OPEN });
  }

  /**
   * The fields of a customer payment transformed from `invoice`: `payment` is required, and the
   * invoice's line of the `apply` sublist takes the amount given for it, or as much of the payment
   * as the invoice has due. Applying more than is due, or than was paid, is refused as NetSuite
   * does; so is a payment of an invoice with nothing due. Returns the amount applied.
   */
  function paymentFrom(invoice: SimRecord, body: Record<string, unknown>): { fields: Record<string, unknown>; applied: number } {
    const due = cents(invoice.amountRemaining ?? invoice.total, 'amountRemaining');
    if (due <= 0) throw new SimFailure(400, 'USER_ERROR', `Invoice #${String(invoice.tranId)} is paid in full; there is nothing due to apply a payment to.`);
    if (body.payment === undefined) throw new SimFailure(400, 'USER_ERROR', 'Please enter value(s) for: Payment Amount', 'payment');
    const payment = cents(body.payment, 'payment');
    if (payment <= 0) throw new SimFailure(400, 'INVALID_CONTENT', `Invalid Field Value ${JSON.stringify(body.payment)} for the following field: payment`, 'payment');
    const given = ((body.apply as { items?: unknown } | undefined)?.items ?? []) as Record<string, unknown>[];
    if (!Array.isArray(given)) throw new SimFailure(400, 'INVALID_CONTENT', 'The apply sublist must be {items: [...]}.', 'apply');
    const other = given.find((line) => (line.doc as { id?: unknown } | undefined)?.id !== invoice.id);
    if (other !== undefined) throw new SimFailure(400, 'USER_ERROR', `The simulator applies a payment transformed from invoice ${invoice.id} to that invoice only, not ${JSON.stringify((other.doc as { id?: unknown } | undefined)?.id ?? null)}.`, 'apply.items.doc');
    const line = given[0];
    const applied = line?.apply === false ? 0 : line?.amount === undefined ? Math.min(payment, due) : cents(line.amount, 'apply.items.amount');
    if (applied > due) throw new SimFailure(400, 'USER_ERROR', `You can not apply ${money(applied)} to invoice #${String(invoice.tranId)}: only ${money(due)} is due.`, 'apply.items.amount');
    if (applied > payment) throw new SimFailure(400, 'USER_ERROR', `The amount applied (${money(applied)}) exceeds the payment (${money(payment)}).`, 'apply.items.amount');
    const { apply: _apply, ...rest } = body;
    const items = applied === 0 ? [] : [{ line: 1, apply: true, doc: { id: invoice.id, refName: `Invoice #${String(invoice.tranId)}` }, type: 'Invoice', refNum: invoice.tranId, total: invoice.total, due: money(due), amount: money(applied) }];
    const fields = { ...rest, customer: invoice.entity, currency: invoice.currency, payment: money(payment), total: money(payment), applied: money(applied), unapplied: money(payment - applied), apply: { items } };
    return { fields, applied };
  }

  function save(type: string, fields: Record<string, unknown>, existing: SimRecord | undefined): SimRecord {
    const record = { ...fields } as SimRecord;
    if (type === 'salesOrder' || type === 'invoice' || type === 'returnAuthorization' || type === 'cashRefund') {
      record.entity = requireRef('customer', record.entity, 'entity');
      if (record.discountRate !== undefined) requireRef('inventoryItem', record.discountItem, 'discountItem');
    }
    if (type === 'customerPayment') record.customer = requireRef('customer', record.customer, 'customer');
    if (TRANSACTION_TYPES.has(type)) {
      if (!LINELESS.has(type)) record.item = { items: normaliseLines(linesOf(record)) };
      if (type !== 'itemFulfillment' && !LINELESS.has(type)) withTotals(record);
      if (type === 'invoice') balance(record);
      const number = (tranNumbers.get(type) ?? 0) + (existing === undefined ? 1 : 0);
      tranNumbers.set(type, number);
      record.tranId = existing?.tranId ?? `${TRAN_PREFIX[type] ?? 'T'}${String(number).padStart(5, '0')}`;
      record.tranDate ??= new Date(now()).toISOString().slice(0, 10);
    }
    record.id = existing?.id ?? String(nextId++);
    record.lastModifiedMs = now();
    table(type).set(record.id, record);
    return record;
  }

  return {
    find,

    /** POST /record/v1/<type>: creates; a taken external id is refused as NetSuite does. */
    create(type: string, body: Record<string, unknown>): SimRecord {
      checkType(type);
      if ('id' in body) throw new SimFailure(400, 'INVALID_CONTENT', 'The id field is read-only.', 'id');
      if (typeof body.externalId === 'string' && byExternalId(type, body.externalId) !== undefined) {
        throw new SimFailure(400, 'USER_ERROR', `A record with the external ID ${body.externalId} already exists.`, 'externalId');
      }
      return save(type, body, undefined);
    },

    /** PUT /record/v1/<type>/eid:<x>: the upsert, creating or replacing the record with that external id. */
    upsert(type: string, key: string, body: Record<string, unknown>): SimRecord {
      checkType(type);
      if (!key.startsWith('eid:')) throw new SimFailure(400, 'INVALID_REQUEST', 'The upsert operation needs an external ID in the URL (eid:...).');
      if ('id' in body) throw new SimFailure(400, 'INVALID_CONTENT', 'The upsert operation prohibits internal ID values.', 'id');
      const externalId = key.slice(4);
      return save(type, { ...body, externalId }, byExternalId(type, externalId));
    },

    /** PATCH /record/v1/<type>/<key>: changes the fields given; lines named by `line` get the fields given for them. */
    patch(type: string, key: string, body: Record<string, unknown>): SimRecord {
      checkType(type);
      const record = find(type, key);
      if (record === undefined) throw new SimFailure(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.');
      const { item, ...fields } = body as { item?: { items?: Record<string, unknown>[] } };
      Object.assign(record, fields);
      const lines = linesOf(record);
      for (const change of item?.items ?? []) {
        const line = lines.find((candidate) => candidate.line === change.line);
        if (line === undefined) throw new SimFailure(400, 'INVALID_CONTENT', `No line ${String(change.line)} on ${type} ${record.id}.`, 'item.items.line');
        Object.assign(line, change);
        // A new quantity re-prices the line at its rate, as NetSuite recalculates the amount.
        if (typeof change.quantity === 'number' && change.amount === undefined && line.rate !== undefined) line.amount = money(cents(line.rate, 'rate') * change.quantity);
      }
      // A sales order whose every line is closed is Closed, as NetSuite derives it.
      if (type === 'salesOrder' && lines.length > 0 && lines.every((line) => line.isClosed === true)) record.status = 'Closed';
      record.lastModifiedMs = now();
      return record;
    },

    /** POST /record/v1/<from>/<key>/!transform/<to>. */
    transform(fromType: string, key: string, toType: string, body: Record<string, unknown>): SimRecord {
      checkType(fromType);
      checkType(toType);
      if (!TRANSFORMS.has(`${fromType}>${toType}`)) throw new SimFailure(400, 'INVALID_REQUEST', `Transformation from ${fromType} to ${toType} is not supported.`);
      const source = find(fromType, key);
      if (source === undefined) throw new SimFailure(404, 'NONEXISTENT_ID', `The record instance does not exist. Provide a valid record instance ID.`);
      if (typeof body.externalId === 'string' && byExternalId(toType, body.externalId) !== undefined) {
        throw new SimFailure(400, 'USER_ERROR', `A record with the external ID ${body.externalId} already exists.`, 'externalId');
      }
      if (toType === 'customerPayment') {
        const { fields, applied } = paymentFrom(source, body);
        const payment = save(toType, fields, undefined);
        // Applying a payment changes the invoice (amount paid, status), so it shows as modified.
        source.amountPaid = money(cents(source.amountPaid ?? '0.00', 'amountPaid') + applied);
        balance(source);
        source.lastModifiedMs = now();
        return payment;
      }
      const sourceLines = linesOf(source);
      const given = linesOf(body);
      // Lines named in the body (by item) are taken with their quantity; sourced line fields
      // (custom columns, rate) come from the source line, as NetSuite sources them on a transform.
      // A transform without lines takes the open ones: closed lines are neither fulfilled nor billed.
      const lines = (given.length === 0 ? sourceLines.filter((line) => line.isClosed !== true) : given).map((line, index) => {
        const itemId = (line.item as { id?: unknown } | undefined)?.id;
        const from = sourceLines.find((candidate) => (candidate.item as { id: string }).id === itemId);
        if (from === undefined) throw new SimFailure(400, 'USER_ERROR', `You have entered an Invalid Field Value ${JSON.stringify(itemId)} for the following field: item`, `item.items[${index}].item`);
        const quantity = typeof line.quantity === 'number' ? line.quantity : from.quantity;
        if (typeof quantity !== 'number' || quantity > (from.quantity as number)) throw new SimFailure(400, 'USER_ERROR', `You can not fulfill or bill more than the ordered quantity of item ${String(itemId)}.`, `item.items[${index}].quantity`);
        const rate = cents(from.rate, 'rate');
        const sourced = Object.fromEntries(Object.entries(from).filter(([name]) => name.startsWith('cust')));
        const { line: _line, ...rest } = line;
        const amount = quantity === from.quantity ? (from.amount as string) : money(rate * quantity);
        return { ...sourced, ...rest, item: { id: itemId }, quantity, rate: money(rate), amount, orderLine: from.line };
      });
      const fields: Record<string, unknown> = { ...body, createdFrom: { id: source.id, refName: source.tranId }, item: { items: lines } };
      if (toType !== 'itemFulfillment') {
        fields.entity = source.entity;
        fields.currency = source.currency;
        if (toType === 'invoice' && given.length === 0) {
          fields.shippingCost = source.shippingCost;
          if (source.discountItem !== undefined) Object.assign(fields, { discountItem: source.discountItem, discountRate: source.discountRate });
        }
      } else {
        fields.entity = source.entity;
        fields.shipStatus ??= { id: 'C' };
        fields.shipStatus = { ...(fields.shipStatus as object), refName: ({ A: 'Picked', B: 'Packed', C: 'Shipped' } as Record<string, string>)[(fields.shipStatus as { id: string }).id] ?? 'Shipped' };
      }
      return save(toType, fields, undefined);
    },

    /** The answer of a SuiteQL query, or a SimFailure for a query shape the simulator does not know. */
    suiteql(query: string): Record<string, unknown>[] {
      const q = query.trim().replace(/\s+/g, ' ');
      let match = /^SELECT id, itemid FROM item WHERE itemid IN \(((?:'(?:[^']|'')*'(?:, )?)+)\)$/i.exec(q);
      if (match) {
        const skus = [...(match[1] as string).matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] as string).replaceAll("''", "'"));
        return [...table('inventoryItem').values()].filter((item) => skus.includes(item.itemId as string)).map((item) => ({ id: item.id, itemid: item.itemId }));
      }
      match = /^SELECT id FROM (customer|transaction) WHERE externalid = '((?:[^']|'')*)'$/i.exec(q);
      if (match) {
        const externalId = (match[2] as string).replaceAll("''", "'");
        const types = match[1]?.toLowerCase() === 'customer' ? ['customer'] : [...TRANSACTION_TYPES];
        return types.flatMap((type) => [...table(type).values()].filter((record) => record.externalId === externalId).map((record) => ({ id: record.id })));
      }
      match =
        /^SELECT t\.id, t\.recordtype, TO_CHAR\(t\.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS'\) AS modified FROM transaction t WHERE t\.recordtype IN \(((?:'[a-z]+'(?:, )?)+)\) AND \(t\.lastmodifieddate > TO_DATE\('([0-9: -]{19})', 'YYYY-MM-DD HH24:MI:SS'\) OR \(t\.lastmodifieddate = TO_DATE\('([0-9: -]{19})', 'YYYY-MM-DD HH24:MI:SS'\) AND t\.id > ([0-9]+)\)\) ORDER BY t\.lastmodifieddate, t\.id$/.exec(q);
      if (match) {
        const wanted = [...(match[1] as string).matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
        const after = Date.parse(`${(match[2] as string).replace(' ', 'T')}Z`);
        const afterId = Number(match[4]);
        const seconds = (record: SimRecord) => Math.floor(record.lastModifiedMs / 1000) * 1000;
        return Object.entries(RECORD_TYPE_SQL)
          .filter(([, sqlType]) => wanted.includes(sqlType))
          .flatMap(([type, sqlType]) => [...table(type).values()].map((record) => ({ record, sqlType })))
          .filter(({ record }) => seconds(record) > after || (seconds(record) === after && Number(record.id) > afterId))
          .sort((a, b) => seconds(a.record) - seconds(b.record) || Number(a.record.id) - Number(b.record.id))
          .map(({ record, sqlType }) => ({ id: record.id, recordtype: sqlType, modified: new Date(seconds(record)).toISOString().slice(0, 19).replace('T', ' ') }));
      }
      throw new SimFailure(400, 'INVALID_PARAMETER', `Invalid search query. Detailed unprocessed description follows. Search error occurred: the simulator does not know the query ${JSON.stringify(q.slice(0, 120))}.`);
    },

    /** Records of one type, oldest first, for state() and tests. */
    list(type: string): SimRecord[] {
      return [...table(type).values()];
    },

    /** Stores a record directly (tests seed items, customers, and records NetSuite users create by hand). */
    seed(type: string, fields: Record<string, unknown>): SimRecord {
      checkType(type);
      return save(type, fields, undefined);
    },

    /** Every record by type. */
    all(): Record<string, SimRecord[]> {
      return Object.fromEntries([...records.entries()].map(([type, map]) => [type, [...map.values()]]));
    },

    clear(): void {
      records.clear();
      tranNumbers.clear();
      nextId = 100;
    },
  };
}

/** The record store of a simulator. */
export type RecordStore = ReturnType<typeof createRecordStore>;
