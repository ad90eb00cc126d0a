// The stock the availability benchmark works on, shared by the benchmark (which seeds it and streams
// changes to it) and its load generator (which checks it): SKU names, the check mix, and a seeded
// random source so two runs ask the same questions.

/** The channel the benchmark configures; its locations are the benchmark's locations. */
export const CHANNEL = 'web';
/** Units the channel holds back at every location. */
export const CHANNEL_SAFETY_STOCK = 2;
/** SKUs that only the visibility probes change, so a probe's value is recognisable. */
export const PROBE_SKUS = 64;
/** Units each SKU starts with at each location. */
export const SEED_ON_HAND = 1_000;

/** The n-th SKU of the catalogue. */
export const skuName = (n: number): string => `AV-${String(n).padStart(6, '0')}`;
/** The n-th probe SKU (not in the catalogue the checks and the stream use). */
export const probeSkuName = (n: number): string => `AV-PROBE-${String(n).padStart(3, '0')}`;

/** A small, fast, seeded random source (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the checks ask, in shares of all checks. */
export const CHECK_MIX = {
  /** One SKU across the channel's locations (a product page). */
  oneSkuChannel: 0.8,
  /** One SKU at one location (a store pick-up). */
  oneSkuLocation: 0.1,
  /** Five SKUs across the channel's locations (a cart). */
  cartOfFive: 0.1,
} as const;

/** Request paths of checks drawn from the mix, over `skus` catalogue SKUs and the given locations. */
export function checkPaths(count: number, skus: number, locations: readonly string[], seed = 1): string[] {
  const random = seededRandom(seed);
  const sku = (): string => skuName(Math.floor(random() * skus));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const draw = random();
    if (draw < CHECK_MIX.oneSkuChannel) paths.push(`/v1/availability?sku=${sku()}&channel=${CHANNEL}`);
    else if (draw < CHECK_MIX.oneSkuChannel + CHECK_MIX.oneSkuLocation) {
      paths.push(`/v1/availability?sku=${sku()}&location=${locations[Math.floor(random() * locations.length)] as string}`);
    } else paths.push(`/v1/availability?${Array.from({ length: 5 }, () => `sku=${sku()}`).join('&')}&channel=${CHANNEL}`);
  }
  return paths;
}
