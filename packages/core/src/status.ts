import type { OperationState } from "./description.js";

/** Plain JSON naming one operation: enough to poll it again from another process. */
export interface OperationRef {
  provider: string;
  /** The endpoint that reads it: the operationId of one of the provider's poll endpoints. */
  endpoint: string;
  /** Its path parameters (`operation_id`, or `zone_id` + `task_id`, …): strings, or numbers for integer ids. */
  params: Record<string, string | number>;
  /** Where it lives, region included. */
  baseUrl: string;
}

/** One provider's answer in the shape shared by every provider. */
export interface OperationStatus<Raw = unknown> {
  provider: string;
  id: string;
  ref: OperationRef;
  state: OperationState;
  /** True once the state is terminal: succeeded, failed or canceled. */
  done: boolean;
  /** The provider's own status word, as sent (kept when it maps to `unknown`). */
  rawStatus: string | undefined;
  /** 0..1 where the provider reports progress. */
  progress: number | undefined;
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
  /** Why it failed, when it failed. */
  error: { code?: string; message: string } | undefined;
  /**
   * Where the result lives, once it succeeded: a redirect's Location (Keycard's install), or the URL the body
   * gives where the spec's `resultUrl` points (fal's `response_url`). Never followed.
   */
  resultUrl: string | undefined;
  /** The typed provider body of the last 200; `undefined` after a redirect. */
  raw: Raw | undefined;
}

/** Whether an operation in `state` is over: `succeeded`, `failed` or `canceled`. */
export function isTerminal(state: OperationState): boolean {
  return state === "succeeded" || state === "failed" || state === "canceled";
}
