import Type, { type Static } from 'typebox';
import { idPattern } from '../domain/shared/ids.ts';

// The one configuration schema. Every field has a default and a description; `docs/configuration.md`
// is generated from this file, and each field can be set in the config file or by the environment
// variable derived from its path (`http.port` -> `WEFT_HTTP_PORT`).

const secret = { 'x-weft-secret': true } as const;

/** Settings of the HTTP API server. */
const Http = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Interface to listen on. Use 0.0.0.0 to accept connections from other hosts.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port of the API (0 picks a free port).' }),
    publicUrl: Type.String({ default: '', description: 'URL clients use to reach Weft, when it differs from http://host:port (behind a proxy).' }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'Largest request body accepted; larger bodies get 413 payload_too_large.' }),
    maxBatchEvents: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'Most events one POST /v1/events request may carry.' }),
    requestTimeoutMs: Type.Integer({ minimum: 1000, default: 30_000, description: 'Time a client has to send a whole request.' }),
    keepAliveTimeoutMs: Type.Integer({ minimum: 1000, default: 72_000, description: 'Idle keep-alive time; longer than typical load balancer idle timeouts (60 s).' }),
    shutdownGraceMs: Type.Integer({ minimum: 0, default: 10_000, description: 'On SIGTERM, how long in-flight requests may take to finish before Weft exits.' }),
    trustProxy: Type.Boolean({ default: false, description: 'Trust X-Forwarded-* headers (only behind a proxy you run).' }),
  },
  { additionalProperties: false, default: {} },
);

/** Settings of the embedded SQLite store. */
const Sqlite = Type.Object(
  {
    path: Type.String({ default: '', description: 'Database file; empty means <dataDir>/weft.db.' }),
    busyTimeoutMs: Type.Integer({ minimum: 0, default: 5000, description: 'How long a writer waits for another process (the CLI) holding the write lock.' }),
  },
  { additionalProperties: false, default: {} },
);

/** Settings of the PostgreSQL store. */
const Postgres = Type.Object(
  {
    url: Type.String({ default: 'postgres://127.0.0.1:5432/weft', description: 'Connection URL (may contain a password: never logged).', ...secret }),
    schema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'weft', description: 'Database schema holding Weft\'s tables; created if absent.' }),
    poolSize: Type.Integer({ minimum: 2, maximum: 200, default: 10, description: 'Connections in the pool.' }),
  },
  { additionalProperties: false, default: {} },
);

/** Which store adapter runs, and its settings. */
const Store = Type.Object(
  {
    kind: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], {
      default: 'sqlite',
      description: 'Store adapter: sqlite (embedded, one file) or postgres (scale-out).',
    }),
    maxBatchUnits: Type.Integer({ minimum: 1, default: 512, description: 'Most units of work the group commit puts in one transaction.' }),
    sqlite: Sqlite,
    postgres: Postgres,
  },
  { additionalProperties: false, default: {} },
);

/** Admission control and idempotency of event ingest. */
const Ingest = Type.Object(
  {
    maxPendingEvents: Type.Integer({
      minimum: 1,
      default: 20_000,
      description: 'Events accepted but not yet durable past which new writes get 503 overloaded with Retry-After.',
    }),
    maxInFlightRequests: Type.Integer({
      minimum: 1,
      default: 2048,
      description: 'Requests being processed at once past which new ones get 503 overloaded with Retry-After.',
    }),
    maxEventLoopDelayMs: Type.Integer({
      minimum: 0,
      default: 500,
      description: 'p99 event-loop delay over the last second past which Weft sheds load with 503 (0 disables the check).',
    }),
    retryAfterSeconds: Type.Integer({ minimum: 1, default: 1, description: 'Retry-After sent with 429/503 answers.' }),
    idempotencyTtlHours: Type.Integer({ minimum: 1, default: 72, description: 'How long an Idempotency-Key is remembered.' }),
  },
  { additionalProperties: false, default: {} },
);

/** Credential checking. */
const Auth = Type.Object(
  {
    keyCacheMs: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 1000,
      description: 'How long a verified API key is trusted before it is checked against the store again; a key revoked from the CLI stops working within this time (revocation through the API is immediate).',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** Logging. */
const Log = Type.Object(
  {
    level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
      { default: 'info', description: 'Least severe level written (fatal, error, warn, info, debug, trace, silent).' },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** The delivery engine: outbox to target systems. */
const Delivery = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Deliver outbox commands to the configured targets from this hub (turn off on hubs that should only ingest).' }),
    routing: Type.Boolean({
      default: true,
      description: 'Run the router that turns routed events into commands (safe on several hubs sharing a store: each event is routed once).',
    }),
    workerId: Type.String({
      pattern: '^[A-Za-z0-9._-]{0,64}$',
      default: '',
      description:
        'Stable name of this hub among those sharing a PostgreSQL store (empty = the host name). At start a hub frees the commands its earlier runs held under this name; give each hub on one host its own.',
    }),
    pollMs: Type.Integer({ minimum: 10, default: 250, description: 'How often an idle target lane looks for due commands (enqueues and replays wake it at once).' }),
    leaseMs: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'How long a claimed command is held by this hub before another may take it; 0 = four times the longest target timeout, at least 60 s.',
    }),
    maxHeldPerTarget: Type.Integer({ minimum: 1, default: 512, description: 'Most commands a target lane holds at once (claimed, waiting for the budget or in flight).' }),
    stopGraceMs: Type.Integer({ minimum: 0, default: 10_000, description: 'On shutdown, how long deliveries in flight may take before they are aborted (and retried later).' }),
    retentionDays: Type.Integer({
      minimum: 0,
      default: 7,
      description: 'Days a delivered or discarded command (with its attempts and receipt) is kept before it is deleted; 0 keeps them for good. Dead and pending commands and the audit log are never deleted.',
    }),
    routerPollMs: Type.Integer({ minimum: 10, default: 200, description: 'How often the router looks for new events to route when no append woke it.' }),
  },
  { additionalProperties: false, default: {} },
);

/** One configured target system; the rest of its fields are its connector's settings (see the connector's README). */
const Target = Type.Object(
  {
    connector: Type.String({ minLength: 1, description: 'Connector the target is an instance of (`http`).' }),
  },
  { additionalProperties: true },
);

/** One configured source system; the rest of its fields are its connector's settings (see the connector's README). */
const Source = Type.Object(
  {
    connector: Type.String({ minLength: 1, description: 'Connector the source is an instance of (`shopify`, `square`, ...).' }),
    notificationUrl: Type.Optional(
      Type.String({ format: 'uri', description: 'The webhook URL exactly as registered at the vendor, when Weft sits behind a proxy (Square signs it).' }),
    ),
    mappings: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.Union([
          Type.Object({ jsonata: Type.String({ minLength: 1, description: 'A JSONata expression (see docs/mappings.md).' }) }, { additionalProperties: false }),
          Type.Object({ module: Type.String({ minLength: 1, description: 'Path of a module exporting map(payload, context, builtIn), relative to the working directory.' }) }, { additionalProperties: false }),
        ]),
        { description: 'Your own mappings by vendor topic, replacing or extending the connector\'s (docs/mappings.md).' },
      ),
    ),
  },
  { additionalProperties: true },
);

/** Receiving from source systems. */
const Inbound = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Receive webhooks and poll sources on this hub.' }),
    fetchTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'Longest a source may take to fetch what a webhook leaves out, or to answer a poll.' }),
    pollFailureBackoffMs: Type.Integer({ minimum: 100, default: 30_000, description: 'Wait after a failed poll before polling that source again.' }),
  },
  { additionalProperties: false, default: {} },
);

/** The processes the hub runs. */
const Processes = Type.Object(
  {
    orderToCash: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Run order-to-cash for every captured order (docs/processes.md).' }),
        erp: Type.String({ default: '', description: 'Target name of the ERP (actions upsertSalesOrder, closeSalesOrder, invoiceSalesOrder); required when enabled.' }),
        warehouse: Type.String({ default: '', description: 'Target name of the warehouse (actions releaseOrder, cancelOrder); empty: ship groups wait for shipments reported from elsewhere.' }),
        stores: Type.Object(
          {
            target: Type.String({ default: '', description: 'Target name of the stores\' order system (actions releaseOrder, cancelOrder, e.g. the square connector): a parcel whose stock was reserved at one of `locations` ships from that store; empty: every parcel goes to the warehouse.' }),
            locations: Type.Array(Type.String({ pattern: '^loc_[0-9A-HJKMNP-TV-Z]{26}$' }), { default: [], uniqueItems: true, description: 'The store locations (`loc_…`) that ship parcels; ship groups reserved wholly at one of them are released to the store target instead of the warehouse.' }),
          },
          { additionalProperties: false, default: {}, description: 'Ship from store (version 2): where reserved stock sits decides who ships a parcel.' },
        ),
        collectWithinHours: Type.Integer({ minimum: 1, default: 72, description: 'How long a pick-up waits at the store when the store gives no collect-by time; then it is cancelled.' }),
        shortShipmentWaitHours: Type.Number({ minimum: 0, default: 24, description: 'How long the rest of a group that shipped short may take to follow (another parcel) before a person is asked to wait again or cancel it; 0 asks at once.' }),
        channels: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
          default: {},
          description: 'The channel target of each system orders come from (originSystem → a target with a noteOrder action, e.g. {"webshop": "webshop"}): holds, cancellations and completion are written back there; a target that also has cancelOrder (Shopify) cancels there, refunding the customer, the orders Weft cancels itself (version 2).',
        }),
        crm: Type.String({ default: '', description: 'Target name of the CRM (action noteOrder, e.g. the salesforce connector): holds, cancellations and completion are written there, so service agents see where an order stands; empty: none.' }),
        capturePayments: Type.Boolean({ default: false, description: 'Once invoiced, capture what the payments only authorised at the order\'s channel target (action capturePayment).' }),
        recordPayments: Type.Boolean({ default: false, description: 'Once paid, record the payment against the invoice in the ERP (action recordPayment): the cash side of the books.' }),
        checks: Type.Object(
          {
            skus: Type.Boolean({ default: false, description: 'Hold orders with a SKU the catalogue (weft.product.upserted.v1) does not have or no longer sells.' }),
            priceTolerancePercent: Type.Number({ minimum: -1, maximum: 100, default: -1, description: 'Hold orders whose unit price differs from the catalogue\'s price (weft.price.set.v1) by more than this percentage; -1: prices are not checked.' }),
            taxRates: Type.Boolean({ default: true, description: 'Hold orders whose tax lines do not match their rates (within rounding and the share of order discounts).' }),
            requireTax: Type.Boolean({ default: false, description: 'Hold orders with a line of non-zero total and no tax line.' }),
            customers: Type.Union([Type.Literal('off'), Type.Literal('resolve'), Type.Literal('resolve_or_create')], {
              default: 'off',
              description: 'A guest order (no customerId): off leaves it a guest; resolve gives it the customer whose email it carries; resolve_or_create also creates one (weft.customer.created.v1: route it to the ERP\'s upsertCustomer, whose sales order then names the customer).',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** How one channel sees stock. */
const InventoryChannel = Type.Object(
  {
    locations: Type.Array(Type.String({ pattern: idPattern('loc') }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Locations (Weft ids, `loc_…`) whose stock the channel may sell, in the order orders are fulfilled from them (distribution centres first, then stores that ship).',
    }),
    safetyStock: Type.Optional(Type.Integer({ minimum: 0, description: 'Units held back from the channel at every location (the larger of this and the system of record\'s own safety stock); default 0.' })),
    includeInTransit: Type.Optional(Type.Boolean({ description: 'Whether units on transfers to a location count as available there; default false.' })),
  },
  { additionalProperties: false },
);

/** The availability view and its reservations. */
const Inventory = Type.Object(
  {
    channels: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }), InventoryChannel, {
      default: {},
      description: 'Availability rules per channel, by the channel\'s system name (`webshop`, the `originSystem` of its orders): locations, safety stock, in-transit stock. As an environment variable: JSON.',
    }),
    publish: Type.Array(
      Type.Object(
        {
          channel: Type.String({ minLength: 1, description: 'The inventory channel whose availability is published (a key of inventory.channels).' }),
          target: Type.String({ minLength: 1, description: 'The storefront or marketplace target it goes to.' }),
          action: Type.String({ minLength: 1, default: 'setInventory', description: 'The target\'s action taking weft.inventory.position_reported.v1 (setInventory for Shopify).' }),
        },
        { additionalProperties: false },
      ),
      { default: [], description: 'Where availability is pushed: per channel, a target, coalesced per SKU x location (only the latest value when the target is slow), changes to or from zero first. As an environment variable: JSON.' },
    ),
    pollMs: Type.Integer({ minimum: 10, default: 250, description: 'How often the availability view looks at the log when no append wakes it.' }),
    readers: Type.Object(
      {
        threads: Type.Integer({
          minimum: 0,
          maximum: 64,
          default: 0,
          description: 'Worker threads answering GET /v1/availability on a listener of their own (readers.port), each with its own store connection and copy of the availability view, so channels\' checks never queue behind ingest; 0: none (the API answers them alone).',
        }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081, description: 'TCP port the reader threads share (SO_REUSEPORT, Linux); 0 picks a free port. Give each hub on a host its own.' }),
        host: Type.String({ default: '', description: 'Interface the reader threads listen on; empty: http.host.' }),
        publicUrl: Type.String({ default: '', description: 'URL channels use to reach the readers, when it differs from http://host:port (behind a proxy).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    drift: Type.Object(
      {
        observe: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Systems (source names) whose stock counts are compared with Weft\'s rather than taken as its stock, e.g. ["pos"] when the ERP is the book of record and the tills count.' }),
        mode: Type.Union([Type.Literal('report'), Type.Literal('apply')], { default: 'report', description: 'report: findings wait for a person (GET /v1/inventory/drift, POST /v1/inventory/drift/apply); apply: Weft takes the system\'s count and releases stale reservations at each check.' }),
        intervalSeconds: Type.Integer({ minimum: 0, default: 300, description: 'How often Weft compares; 0: only when asked through the API.' }),
        settleSeconds: Type.Integer({ minimum: 0, default: 60, description: 'A count is compared once Weft\'s last movement there is this old: movements on their way settle first.' }),
        staleReservationHours: Type.Number({ minimum: 0, default: 72, description: 'A reservation held longer than this is reported as never released.' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** A route from event types to a target action. */
const Route = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the route, for logs.' }),
    events: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Event types routed (`weft.order.captured.v1`).' }),
    target: Type.String({ minLength: 1, description: 'Target name (a key of `targets`).' }),
    action: Type.String({ minLength: 1, description: 'Action of the target\'s connector.' }),
    priority: Type.Optional(Type.Union([Type.Literal('urgent'), Type.Literal('normal'), Type.Literal('bulk')], { description: 'Priority class; defaults to the action\'s.' })),
    where: Type.Optional(
      Type.Array(
        Type.Object(
          {
            pointer: Type.String({ pattern: '^(/[^/]*)*$', description: 'JSON Pointer into the event: /source, /subject, /data/channel, ...' }),
            in: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), { minItems: 1, description: 'Values that let the event through (a missing value is null).' }),
          },
          { additionalProperties: false },
        ),
        { description: 'Conditions every routed event must meet, e.g. [{"pointer": "/data/channel", "in": ["web"]}].' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Weft's complete configuration. */
export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ default: '.weft', description: 'Directory for the embedded store and other local state; created at first start.' }),
    http: Http,
    store: Store,
    ingest: Ingest,
    auth: Auth,
    log: Log,
    delivery: Delivery,
    targets: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }), Target, {
      default: {},
      description:
        'Target systems Weft delivers to, by name (lower case, digits, - and _). Each names its `connector` and carries that connector\'s settings; secrets in them (token, password, secret) are never logged. As an environment variable: JSON.',
    }),
    sources: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }), Source, {
      default: {},
      description:
        'Source systems Weft receives from, by name: their webhooks arrive at /webhooks/<name>, and sources that poll are polled. Each names its `connector` and carries that connector\'s settings (webhook secret, API credentials); secrets are never logged. As an environment variable: JSON.',
    }),
    inbound: Inbound,
    processes: Processes,
    inventory: Inventory,
    routes: Type.Array(Route, {
      default: [],
      description: 'Routes from event types to target actions: each matching event becomes a command in the outbox. As an environment variable: JSON.',
    }),
  },
  { additionalProperties: false },
);

/** Weft's complete, validated configuration. */
export type Config = Static<typeof ConfigSchema>;
