// The stock the availability benchmark works on, shared by the benchmark (which seeds it and streams
// changes to it) and its load generator (which checks it): SKU names, the check mix, and a seeded
// random source so two runs ask the same questions.

import { seededRandom } from '../../src/domain/shared/random.ts';

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
