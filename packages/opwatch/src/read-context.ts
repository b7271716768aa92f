import type { OperationRef, OperationStatus } from "@opwatch/core";
import type { Scheduler } from "./scheduler.js";

/** One read's result, as the operation reader reports it. */
export interface PollResult {
  /** The new status; `undefined` when the server answered 304 Not Modified. */
  status: OperationStatus | undefined;
  etag?: string | undefined;
  /** Seconds the server asked to wait before the next read (this operation only). */
  retryAfter?: number | undefined;
  /** Seconds until the credential's rate-limit budget resets, when the answer says it is spent: shared by
   * every wait with the pushback key, like a 429. */
  rateLimitReset?: number | undefined;
}

/** How to send one read (the operation); the poll loop decides when (Azure core-lro's split). */
export type ReadOnce = (request: {
  ifNoneMatch: string | undefined;
  signal: AbortSignal | undefined;
  /** Epoch ms at which the read must be cut (the wait's `maxWaitMs`). */
  deadline?: number | undefined;
}) => Promise<PollResult>;

/** An operation's path (and query) parameters: with its {@link ReadContext}, what names it. */
export type Params = OperationRef["params"];

/**
 * How the operations of one endpoint of one client are read, shared by every wait on them (a wait holds
 * this and its own parameters): the scheduler, the origin's slots, the pushback key.
 */
export interface ReadContext {
  /** Sends one read of the operation `params` name (called as a method of the context). */
  read(params: Params | undefined, request: Parameters<ReadOnce>[0]): Promise<PollResult>;
  /** Names the operation in messages; computed only when a message needs it. */
  label(params: Params | undefined): string;
  /** The operation's ref, a new object each time (none for a standalone read, which knows no ref). */
  ref(params: Params | undefined): OperationRef | undefined;
  readonly provider: string | undefined;
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
