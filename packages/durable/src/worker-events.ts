import type { OperationRef } from "opwatch";
import type { StepOutcome } from "./contract.js";
import type { OutcomeError, OutcomeKind } from "./outcome.js";

/**
 * What a worker does, for logs, progress output and metrics (`WorkOptions.onEvent`). A metrics exporter
 * counts `step` (by `outcome`, with the read's duration in `ms`), `outcome` (by `kind`), `deferred` (by
 * `reason`) and `error`; times `claimed` and `committed` (one statement each, `ms`); and reads backlog
 * and lag from `durable.stats()`.
 */
export type WorkerEvent =
  | {
      type: "step";
      waitId: string;
      ref: OperationRef;
      outcome: StepOutcome["kind"];
      /** The read's duration. */
      ms: number;
      state?: string;
      delayMs?: number;
    }
  | { type: "deferred"; waitId: string; reason: "pushback" | "admission" | "unpollable"; delayMs: number }
  | { type: "outcome"; waitId: string; ref: OperationRef | null; kind: OutcomeKind }
  /** One claim statement: `steps` claimed (put-off ones included). */
  | { type: "claimed"; steps: number; ms: number }
  /** One commit statement: `steps` written, `outcomes` recorded, `stale` dropped (another run got there first). */
  | { type: "committed"; steps: number; outcomes: number; stale: number; ms: number }
  /** This worker cannot poll `provider` (not registered, no credentials): it leaves its waits to others. */
  | { type: "unpollable"; provider: string; reason: string }
  | { type: "error"; error: OutcomeError };
