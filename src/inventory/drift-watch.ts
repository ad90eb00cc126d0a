import type { Clock } from '../ports/clock.ts';
import type { ConnectorLog } from '../ports/connector.ts';
import type { DriftFinding, DriftOptions } from './drift.ts';
import type { Inventory } from './service.ts';

// The periodic comparison of Weft's stock with the systems' counts. Every finding is logged once
// when it appears; in `apply` mode its correction is applied at once (Weft takes the system's count,
// a stale reservation is released), in `report` mode it waits for a person to apply it through the
// API. Unposted sales are never Weft's to correct: the system must post them.

/** What a check found, and when. */
export interface DriftReport {
  checkedAt: string;
  findings: DriftFinding[];
}

/** What applying findings did. */
export interface DriftApplied {
  applied: string[];
  /** Findings not applied, with why (gone since, nothing to apply, stock moved meanwhile). */
  skipped: { id: string; reason: string }[];
}

/** A running drift watch. */
export interface DriftWatch {
  start(): void;
  stop(): void;
  /** Compares now (and in apply mode corrects). */
  check(): Promise<DriftReport>;
  /** Applies the corrections of these findings (all current ones when no ids are given). */
  apply(ids?: readonly string[]): Promise<DriftApplied>;
}

/** Creates the watch; `intervalMs` 0 checks only when asked. */
export function createDriftWatch(deps: { inventory: Inventory; clock: Clock; log: ConnectorLog }, options: DriftOptions & { mode: 'report' | 'apply'; intervalMs: number }): DriftWatch {
  const { inventory, clock, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let known = new Set<string>();

  async function apply(ids?: readonly string[]): Promise<DriftApplied> {
    await inventory.drain();
    const current = inventory.drift(options);
    const chosen = ids === undefined ? current : current.filter((finding) => ids.includes(finding.id));
    const out: DriftApplied = { applied: [], skipped: [] };
    for (const id of ids ?? []) if (!current.some((finding) => finding.id === id)) out.skipped.push({ id, reason: 'no such finding now (resolved since, or never found)' });
    for (const finding of chosen) {
      const correction = finding.correction;
      if (correction.kind === 'none') {
        out.skipped.push({ id: finding.id, reason: 'nothing for Weft to correct: the system must post the sales' });
      } else if (correction.kind === 'set_on_hand') {
        const done = await inventory.setOnHand(finding.sku, finding.locationId, finding.weft ?? 0, correction.onHand, `drift correction: ${finding.explanation}`);
        if (done) out.applied.push(finding.id);
        else out.skipped.push({ id: finding.id, reason: 'the stock moved since it was found; check again' });
      } else {
        const released = await inventory.release(correction.orderId);
        if (released.length > 0) out.applied.push(finding.id);
        else out.skipped.push({ id: finding.id, reason: 'released meanwhile' });
      }
    }
    if (out.applied.length > 0) log.info({ applied: out.applied }, 'inventory drift corrected');
    return out;
  }

  async function check(): Promise<DriftReport> {
    await inventory.drain();
    const checkedAt = new Date(clock.now()).toISOString();
    let findings = inventory.drift(options);
    for (const finding of findings) if (!known.has(finding.id)) log.warn({ finding: finding.id, cause: finding.cause }, `inventory drift: ${finding.explanation}`);
    known = new Set(findings.map((finding) => finding.id));
    if (options.mode === 'apply' && findings.some((finding) => finding.correction.kind !== 'none')) {
      await apply(findings.filter((finding) => finding.correction.kind !== 'none').map((finding) => finding.id));
      findings = inventory.drift(options);
    }
    return { checkedAt, findings };
  }

  return {
    start() {
      if (options.intervalMs <= 0 || timer) return;
      timer = setInterval(() => void check().catch((error: unknown) => log.error({ err: error }, 'inventory drift check failed')), options.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    check,
    apply,
  };
}
