import type { OperationRef } from "opwatch";
import type { StepOutcome } from "./contract.js";
import type { OutcomeKind } from "./outcome.js";

/** What a worker does, for logs and progress output (`WorkOptions.onEvent`). */
export type WorkerEvent =
  | { type: "step"; waitId: string; ref: OperationRef; outcome: StepOutcome["kind"]; state?: string; delayMs?: number }
  | { type: "deferred"; waitId: string; reason: "pushback" | "admission"; delayMs: number }
  | { type: "outcome"; waitId: string; ref: OperationRef; kind: OutcomeKind }
  | { type: "error"; error: unknown };
