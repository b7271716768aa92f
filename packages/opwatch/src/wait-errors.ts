import { capText, MAX_FIELD_CHARS, type OperationStatus, type OpwatchError, TimeoutError } from "@opwatch/core";
import { full } from "./poll-state.js";
import type { ReadContext } from "./read-context.js";
import type { Wait } from "./wait.js";

/** The wait's TimeoutError: how long it waited, the last status, the server's last Retry-After, the last failure. */
export function timeout(
  ctx: ReadContext,
  s: Wait,
  retryAfter?: number,
  cause: unknown = s.lastError,
): TimeoutError<OperationStatus> {
  const last = s.last;
  const seen = last
    ? `last state: ${last.state}${last.rawStatus ? ` (${capText(last.rawStatus, MAX_FIELD_CHARS)})` : ""}${
        last.progress === undefined ? "" : `, ${Math.round(last.progress * 100)}%`
      }`
    : "no status seen yet";
  const why = retryAfter === undefined ? "" : ` (the server asked to wait ${retryAfter} s more)`;
  const failure = s.lastError ? `; last error: ${s.lastError.message.replace(/\.$/, "")}` : "";
  return new TimeoutError(
    `${ctx.label()} not done after ${formatMs(s.deadline - s.startedAt)}${why}; ${seen}${failure}. Raise maxWaitMs or poll again later with the same ref.`,
    full(last, ctx.ref),
    { provider: last?.provider ?? ctx.provider, cause, secrets: ctx.secrets },
  );
}

/** The error a wait ends with once its failure budget is spent: the last failure's class, with it as `cause`. */
export function exhausted(ctx: ReadContext, s: Wait, last: OpwatchError): OpwatchError {
  const Kind = last.constructor as new (message: string, details: object) => OpwatchError;
  return new Kind(
    `${ctx.label()}: gave up after ${s.failures} failures in a row (raise maxConsecutiveFailures to keep trying); the last: ${last.message}`,
    {
      provider: last.provider ?? ctx.provider,
      httpStatus: last.httpStatus,
      code: last.code,
      requestId: last.requestId,
      retryAfter: last.retryAfter,
      cause: last,
    },
  );
}

function formatMs(ms: number): string {
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
