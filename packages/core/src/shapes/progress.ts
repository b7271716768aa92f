// Progress as one field over a fixed scale (`percent` / 100) or as the ratio of two fields
// (a Kubernetes Job's `status.succeeded` over `spec.completions`).
import type { ProgressDescription } from "../description.js";
import { readPointer } from "../pointer.js";

/** A finite number at `pointer`, or `undefined`. */
function numberAt(body: unknown, pointer: string): number | undefined {
  const value = readPointer(body, pointer);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Progress 0..1 of `body`: the value over the scale, or over the other field's value (clamped); `undefined`
 * when the value is missing, or the other field is missing, zero or negative (no total to count against).
 */
export function readProgress(body: unknown, progress: ProgressDescription | undefined): number | undefined {
  if (progress === undefined) return undefined;
  const value = numberAt(body, progress.pointer);
  if (value === undefined) return undefined;
  const total = "of" in progress ? numberAt(body, progress.of) : progress.scale;
  if (total === undefined || !(total > 0)) return undefined;
  return Math.min(1, Math.max(0, value / total));
}
