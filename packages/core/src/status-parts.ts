// The parts of a normalized status that every generated normalizer shares (and the description
// interpreter too, so both read a body the same way). @internal
import { capText, MAX_FIELD_CHARS } from "./cap.js";
import type { OperationState } from "./description.js";
import type { OperationSnapshot } from "./snapshot.js";
import { isTerminal, type OperationStatus } from "./status.js";
import { timestampMs } from "./timestamps.js";

/** The id of an operation whose body names none: its last path parameter. @internal */
export function fallbackId(params: Readonly<Record<string, unknown>>): string {
  return String(Object.values(params).at(-1) ?? "");
}

/** The status of an answer the spec maps to a state by its HTTP status (Keycard's 303 to the install). @internal */
export function redirectStatus(
  provider: string,
  snapshot: OperationSnapshot,
  baseUrl: string,
  state: OperationState,
): OperationStatus {
  const params = snapshot.params;
  return {
    provider,
    id: fallbackId(params),
    ref: { provider, endpoint: snapshot.endpoint, params, baseUrl },
    state,
    done: isTerminal(state),
    rawStatus: undefined,
    progress: state === "succeeded" ? 1 : undefined,
    createdAt: undefined,
    updatedAt: undefined,
    error: undefined,
    resultUrl: snapshot.location,
    raw: undefined,
  };
}

/** Progress as 0..1: a finite number divided by the spec's scale, clamped. @internal */
export function progressOf(value: unknown, scale: number): number | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  return Math.min(1, Math.max(0, value / scale));
}

/**
 * A timestamp field's reader: a poll reads the same text again and again, so the last text and what it
 * parsed to are kept; each status still gets its own `Date`. @internal
 */
export function timestampReader(): (value: unknown) => Date | undefined {
  let text: string | undefined;
  let ms = Number.NaN;
  return (value) => {
    if (typeof value !== "string" || value === "") return undefined;
    if (value !== text) {
      ms = timestampMs(value);
      text = value;
    }
    return Number.isNaN(ms) ? undefined : new Date(ms);
  };
}

/**
 * Why an operation failed or was canceled (read only then): a failed one always gets a message, the
 * status word's when the body gives none. @internal
 */
export function failureOf(
  state: OperationState,
  rawStatus: string | undefined,
  code: string | undefined,
  message: string | undefined,
): OperationStatus["error"] {
  if (state === "failed") {
    return {
      ...(code ? { code } : {}),
      message:
        message || `Operation ended ${rawStatus === undefined ? "failed" : capText(rawStatus, MAX_FIELD_CHARS)}.`,
    };
  }
  return message ? { ...(code ? { code } : {}), message } : undefined;
}
