import { MappingError } from '../../errors/index.ts';
import { toUtc } from '../sdk/index.ts';

// ShipStation V1 writes timestamps without an offset ("2015-07-16T14:00:34.8230000") in Pacific time
// and expects them the same way (V1 Requirements: submit dates in PST/PDT). Weft holds UTC, so every
// timestamp crosses this file. The offset of a local time comes from the IANA rules Node ships (Intl),
// never from the machine's clock or zone.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether Node knows the IANA time zone (`America/Los_Angeles`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

// How far the zone's wall clock is ahead of UTC at instant `ms`, in ms (negative west of Greenwich).
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * A ShipStation timestamp as ISO 8601 UTC: one without an offset is read as wall-clock time in
 * `timeZone`; one with an offset or `Z` is converted as is. Throws a MappingError at `pointer`.
 */
export function shipStationTimeToUtc(value: unknown, timeZone: string, pointer: string): string {
  const match = typeof value === 'string' ? LOCAL.exec(value) : null;
  if (match === null) return toUtc(value, pointer);
  const [, y, mo, d, h, mi, s = '0', fraction = ''] = match as unknown as [string, string, string, string, string, string, string | undefined, string | undefined];
  const millis = Number((fraction + '000').slice(0, 3));
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (Number.isNaN(asUtc)) throw new MappingError(`${pointer} is not a valid time`, [{ pointer, message: `"${String(value)}" is not a valid time` }]);
  // The offset at the guess is right except within the hours around a DST change; one correction
  // settles it (a wall time skipped in spring maps to the instant after the gap).
  let utc = asUtc - offsetAt(asUtc, timeZone);
  const corrected = asUtc - offsetAt(utc, timeZone);
  if (corrected !== utc) utc = corrected;
  return new Date(utc).toISOString();
}

/** An instant as ShipStation writes it: wall-clock time in `timeZone`, 7 fraction digits, no offset. */
export function toShipStationTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const w = wallClock(ms, timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const millis = ((ms % 1000) + 1000) % 1000;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(millis, 3)}0000`;
}

/** The calendar date of an instant in `timeZone` (`YYYY-MM-DD`), as ShipStation's shipDate. */
export function toShipStationDate(iso: string, timeZone: string): string {
  return toShipStationTime(iso, timeZone).slice(0, 10);
}
