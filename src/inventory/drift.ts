import type { StockState } from './projection.ts';

// Drift: where Weft's stock and a system's own count disagree, and why that is likely. Pure: the
// projection keeps each observed system's last count beside Weft's stock, with the units Weft booked
// as sold since; this compares them, and lists reservations held far longer than orders take.
//
// The likely causes, from what the numbers say:
// - the system counts more by exactly what Weft booked as sold since its count: it has not posted
//   those sales (unposted sale);
// - otherwise a movement reached one side and not the other (missed event): the system counts less,
//   so it booked something Weft never heard of (a sale at the till, damage, a transfer), or more.
// - a reservation older than the orders' usual life was never released (reservation never released).

/** Why Weft and a system disagree. */
export type DriftCause = 'unposted_sale' | 'missed_event' | 'reservation_never_released';

/** One disagreement, with the correction Weft proposes. */
export interface DriftFinding {
  /** Stable for the same disagreement: `<kind>:<sku>@<location>:<system or order>`. */
  id: string;
  sku: string;
  locationId: string;
  cause: DriftCause;
  /** The system whose count disagrees (absent for a stale reservation). */
  system?: string;
  /** Weft's on hand, and the system's count, when it is a count that disagrees. */
  weft?: number;
  counted?: number;
  /** The order holding the stale reservation, and the units. */
  orderId?: string;
  units?: number;
  /** What the numbers say, for people. */
  explanation: string;
  /** What applying the finding does. */
  correction: { kind: 'set_on_hand'; onHand: number } | { kind: 'release_reservation'; orderId: string } | { kind: 'none' };
}

/** What counts as drift. */
export interface DriftOptions {
  /** A count is compared once Weft's last movement there is at least this old (ms): movements on their way settle first. */
  settleMs: number;
  /** A reservation older than this (ms) is reported as never released. */
  staleReservationMs: number;
}

/** Every disagreement in the projection at `now` (epoch ms). */
export function findDrift(state: StockState, now: number, options: DriftOptions): DriftFinding[] {
  const findings: DriftFinding[] = [];
  for (const [key, record] of state.records) {
    const settled = record.updatedAt === '' || now - Date.parse(record.updatedAt) >= options.settleMs;
    for (const [system, observation] of record.observations) {
      const difference = observation.onHand - record.onHand;
      if (difference === 0 || !settled) continue;
      const unposted = observation.salesSince > 0 && difference === observation.salesSince;
      findings.push({
        id: `count:${key}:${system}`,
        sku: record.sku,
        locationId: record.locationId,
        cause: unposted ? 'unposted_sale' : 'missed_event',
        system,
        weft: record.onHand,
        counted: observation.onHand,
        explanation: unposted
          ? `${system} counts ${observation.onHand}, Weft ${record.onHand}: exactly the ${observation.salesSince} unit(s) Weft booked as sold since ${system}'s count (${observation.asOf}); ${system} has not posted those sales`
          : difference < 0
            ? `${system} counts ${observation.onHand}, Weft ${record.onHand}: ${system} booked ${-difference} unit(s) going out that Weft never heard of (a sale, damage or transfer event missed)`
            : `${system} counts ${observation.onHand}, Weft ${record.onHand}: ${difference} unit(s) more there than Weft knows of (a receipt, return or transfer event missed)`,
        // Counts are what is on the shelf: Weft takes the system's. An unposted sale is the system's to post: Weft's stock is right.
        correction: unposted ? { kind: 'none' } : { kind: 'set_on_hand', onHand: observation.onHand },
      });
    }
    for (const [reservation, units] of record.reservations) {
      const at = record.reservedAt.get(reservation);
      if (at === undefined || now - Date.parse(at) < options.staleReservationMs) continue;
      const orderId = reservation.slice(0, reservation.indexOf('/'));
      findings.push({
        id: `reservation:${key}:${orderId}`,
        sku: record.sku,
        locationId: record.locationId,
        cause: 'reservation_never_released',
        orderId,
        units,
        explanation: `${units} unit(s) held for ${orderId} since ${at}, longer than an order takes: the release never came (cancelled or shipped elsewhere)`,
        correction: { kind: 'release_reservation', orderId },
      });
    }
  }
  return findings;
}
