import type { DemoSimulators } from './estate.ts';
import { ADDRESSES, CATALOGUE, PEOPLE, STORES, type DemoItem } from './retailer.ts';
import { seededRandom } from '../../domain/shared/random.ts';

// The demo's shoppers and staff: web orders (some for pick-up in a store), till sales in the
// stores, new web customers (some of them the same person signing up twice, with another email),
// and the warehouse shipping what was released to it. Everything goes through the simulators'
// APIs, so the hub sees only what a real estate would send it: webhooks and API answers.

/** What the generator did so far. */
export interface TrafficStats {
  webOrders: number;
  pickupOrders: number;
  posSales: number;
  customers: number;
  duplicateCustomers: number;
  shipments: number;
  /** Calls to a simulator that failed (the simulator was down, a webhook was refused). */
  failures: number;
  lastFailure: string | undefined;
}

/** A running traffic generator. */
export interface Traffic {
  /** Business events per second (orders, sales, sign-ups); 0 pauses. */
  setRate(perSecond: number): void;
  stats(): TrafficStats;
  stop(): Promise<void>;
}


const price = (cents: number): string => (cents / 100).toFixed(2);

/** Starts generating traffic at `perSecond` business events per second. */
export function startTraffic(simulators: DemoSimulators, options: { perSecond: number; seed?: number; shipEveryMs?: number; onError?: (message: string) => void }): Traffic {
  const random = seededRandom(options.seed ?? Date.now());
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const stats: TrafficStats = { webOrders: 0, pickupOrders: 0, posSales: 0, customers: 0, duplicateCustomers: 0, shipments: 0, failures: 0, lastFailure: undefined };
  const customers: { id: string; firstName: string; lastName: string; email: string }[] = [];
  const shipped = new Set<string>();
  let rate = options.perSecond;
  let stopped = false;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  function track(work: () => Promise<void>): void {
    inFlight++;
    const run = work()
      .catch((error: unknown) => {
        stats.failures++;
        stats.lastFailure = (error as Error).message;
        options.onError?.(stats.lastFailure);
      })
      .finally(() => {
        inFlight--;
        pending.delete(run);
      });
    pending.add(run);
  }

  function basket(): { item: DemoItem; quantity: number }[] {
    const lines = new Map<string, { item: DemoItem; quantity: number }>();
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      const item = pick(CATALOGUE);
      const line = lines.get(item.sku) ?? { item, quantity: 0 };
      line.quantity += 1 + Math.floor(random() * 2);
      lines.set(item.sku, line);
    }
    return [...lines.values()];
  }

  async function signUp(): Promise<void> {
    const person = pick(PEOPLE);
    const known = customers.find((c) => c.firstName === person.firstName && c.lastName === person.lastName);
    // A returning shopper who forgot the account signs up again with another address: one person, two records.
    const email = known ? `${person.firstName}.${person.lastName}+${customers.length}@example.net`.toLowerCase() : `${person.firstName}.${person.lastName}@example.com`.toLowerCase();
    const address = pick(ADDRESSES);
    const { customer } = await simulators.webshop.createCustomer({
      firstName: person.firstName,
      lastName: person.lastName,
      email: email.normalize('NFD').replace(/[\u0300-\u036f']/g, ''),
      phone: `+1503555${String(1000 + customers.length).slice(-4)}`,
      address: { firstName: person.firstName, lastName: person.lastName, ...address, countryCode: 'US', country: 'United States' },
    });
    customers.push({ id: String(customer.id), firstName: person.firstName, lastName: person.lastName, email: String(customer.email) });
    stats.customers++;
    if (known) stats.duplicateCustomers++;
  }

  async function webOrder(pickup: boolean): Promise<void> {
    const buyer = customers.length > 0 && random() < 0.7 ? pick(customers) : undefined;
    const store = pick(STORES);
    const address = pickup ? store.address : pick(ADDRESSES);
    const name = buyer ?? pick(PEOPLE);
    await simulators.webshop.createOrder({
      lines: basket().map(({ item, quantity }) => ({ sku: item.sku, quantity, price: price(item.priceCents), title: item.name })),
      ...(buyer ? { customer: buyer } : { email: `guest${stats.webOrders}@example.org` }),
      shippingPrice: pickup ? '0.00' : '7.95',
      shippingCode: pickup ? store.pickupCode : 'Standard',
      // Card authorised at checkout, captured once the order is invoiced (order-to-cash captures it).
      financialStatus: 'authorized',
      address: { firstName: name.firstName, lastName: name.lastName, ...address, countryCode: 'US', country: 'United States' },
    });
    if (pickup) stats.pickupOrders++;
    else stats.webOrders++;
  }

  async function posSale(): Promise<void> {
    const store = pick(STORES);
    await simulators.pos.createSale({
      locationId: store.squareId,
      lines: basket().map(({ item, quantity }) => ({ sku: item.sku, quantity })),
      tender: random() < 0.8 ? 'CARD' : 'CASH',
      taxPercentage: '8.5',
    });
    stats.posSales++;
  }

  /** The warehouse ships every order released to it that it has not shipped yet. */
  async function shipReleased(): Promise<void> {
    const open = simulators.warehouse.state().orders.filter((order) => order.orderStatus === 'awaiting_shipment' && !shipped.has(order.orderKey));
    for (const order of open) {
      shipped.add(order.orderKey);
      await simulators.warehouse.shipOrder(order.orderKey, { carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: `1Z999AA1${String(10_000_000 + stats.shipments).slice(-8)}` });
      stats.shipments++;
    }
  }

  function next(): void {
    const roll = random();
    if (customers.length < 3 || roll < 0.12) track(signUp);
    else if (roll < 0.55) track(() => webOrder(false));
    else if (roll < 0.65) track(() => webOrder(true));
    else track(posSale);
  }

  // A tick every 100 ms carries rate/10 events, the fraction carried over, so low rates stay even.
  let owed = 0;
  const ticker = setInterval(() => {
    if (stopped || rate <= 0) return;
    owed += rate / 10;
    // Keep at most a second's worth in flight: a slow hub slows the shoppers instead of piling up.
    while (owed >= 1 && inFlight < Math.max(4, rate)) {
      owed -= 1;
      next();
    }
    if (owed > rate) owed = rate;
  }, 100);
  const shipper = setInterval(() => {
    if (!stopped) track(shipReleased);
  }, options.shipEveryMs ?? 2_000);

  return {
    setRate(perSecond) {
      rate = Math.max(0, perSecond);
    },
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      clearInterval(ticker);
      clearInterval(shipper);
      await Promise.all(pending);
    },
  };
}
