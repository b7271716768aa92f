// Zone-less `YYYY-MM-DD HH:MM:SS` or `YYYY/MM/DD HH:MM:SS` (NTT ECL): documented as UTC.
const ZONELESS = /^(\d{4})([-/])(\d{2})\2(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
// RFC 3339 with an explicit zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses a provider timestamp into a `Date`; `undefined` for null, empty or unreadable values. */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const ms = timestampMs(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** What {@link parseTimestamp} reads a non-empty string as, in epoch ms; `NaN` when unreadable. @internal */
export function timestampMs(value: string): number {
  // The common case first (the two forms exclude each other: with and without a zone).
  if (RFC3339.test(value)) return new Date(value).getTime();
  const zoneless = ZONELESS.exec(value);
  if (zoneless) {
    const [y, mo, d, h, mi, s] = [1, 3, 4, 5, 6, 7].map((i) => Number(zoneless[i]));
    const frac = zoneless[8];
    const ms = frac ? Math.round(Number(frac) * 1000) : 0;
    const date = new Date(Date.UTC(y ?? 0, (mo ?? 0) - 1, d, h, mi, s, ms));
    // Date.UTC rolls 13/01 into next January and 21:60 into 22:00: accept only values it kept as given.
    const kept =
      date.getUTCFullYear() === y &&
      date.getUTCMonth() + 1 === mo &&
      date.getUTCDate() === d &&
      date.getUTCHours() === h &&
      date.getUTCMinutes() === mi &&
      date.getUTCSeconds() === s;
    return kept ? date.getTime() : Number.NaN;
  }
  return Number.NaN;
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP-date (RFC 9110). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // HTTP dates (IMF-fixdate, RFC 850, asctime) all start with a day name; Date.parse alone reads "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
