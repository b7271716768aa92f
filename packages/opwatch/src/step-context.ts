import type { OperationRef, OperationStatus, OpwatchError } from "@opwatch/core";
import type { Scheduler } from "./scheduler.js";

/** One read's outcome, as the operation reader reports it. */
export interface PollResult {
  /** The new status; `undefined` when the server answered 304 Not Modified. */
  status: OperationStatus | undefined;
  etag?: string | undefined;
  /** Seconds the server asked to wait before the next poll. */
  retryAfter?: number | undefined;
}

/** How to send one read (the operation); the poller decides when (Azure core-lro's split). */
export type ReadOnce = (request: {
  ifNoneMatch: string | undefined;
  signal: AbortSignal | undefined;
  /** Epoch ms at which the read must be cut (the wait's `maxWaitMs`). */
  deadline?: number | undefined;
}) => Promise<PollResult>;

/** Where a step reads and whom it shares the scheduler with. */
export interface StepContext {
  /** Sends one read (called as a method of the context). */
  read: ReadOnce;
  /** Names the operation in messages; computed only when a message needs it. */
  label(): string;
  readonly provider: string | undefined;
  /** The operation's ref when the reader knows it: a kept status with the same ref shares it. */
  readonly ref?: OperationRef | undefined;
  readonly scheduler: Scheduler;
  /** Key of the request slots (the origin). */
  readonly origin: string;
  /** Key of the provider's pushback (origin and credential; never a token). */
  readonly key: string;
  /** The reader's own per-request timeout: a read that ends by itself well before the deadline needs no
   * deadline timer of ours. */
  readonly requestTimeoutMs: number;
  /** The reader cuts the read at `deadline` itself (core's reader, on the system clock). */
  readonly cutsAtDeadline: boolean;
  /** The tokens of the operation's provider: the wait's own errors redact them (none when unknown). */
  readonly secrets?: readonly string[] | undefined;
}

export type PendingReason = "backoff" | "pacing" | "retry-after" | "pushback";

/** What one step found, before it is turned into a public StepOutcome. `status` is the status just read
 * when it is a change (pending), and the terminal one (done). */
export type Outcome =
  | { kind: "pending"; changed: boolean; delayMs: number; reason: PendingReason; status?: OperationStatus | undefined }
  | { kind: "done"; status: OperationStatus }
  | { kind: "error"; error: OpwatchError };
