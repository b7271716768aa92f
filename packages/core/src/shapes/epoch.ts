// Timestamps sent as epoch numbers (Stripe's and OpenAI's `created_at`: seconds; many others: milliseconds).

import type { EpochUnit } from "../description.js";

// Beyond ±8.64e15 ms a Date is invalid (ECMA-262 §21.4.1.22).
const MAX_MS = 8.64e15;

/**
 * Epoch ms of an epoch number in `unit` (a JSON number, or a string of decimal digits as some APIs quote
 * them); `NaN` for anything else or a value no `Date` can hold.
 */
export function epochMs(value: unknown, unit: EpochUnit): number {
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(number)) return Number.NaN;
  const ms = unit === "seconds" ? number * 1000 : number;
  return Math.abs(ms) <= MAX_MS ? Math.round(ms) : Number.NaN;
}
