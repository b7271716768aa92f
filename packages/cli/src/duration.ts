import parse from "parse-duration";
import prettyMs from "pretty-ms";

const GRAMMAR = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/**
 * Parses a duration such as `1m30s`, `90s`, `1500ms`, `2h` or `1d` (units ms, s, m, h, d, combinable)
 * into milliseconds. `undefined` for anything else, a bare number among them: `5` could mean 5 s or 5 ms.
 */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().replace(/\s+/g, "");
  if (!GRAMMAR.test(compact)) return undefined;
  const ms = parse(compact);
  return typeof ms === "number" && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Whether `text` is a number with no unit, which a duration flag refuses (`5s` or `5000ms`, not `5`). */
export function isBareNumber(text: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(text.trim());
}

/** `1m30s`, `2h`, `4s`, `250ms`: the same form the flags take. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return prettyMs(Math.round(ms / 1000) * 1000, { secondsDecimalDigits: 0, unitCount: 2 }).replaceAll(" ", "");
}
