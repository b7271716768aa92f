import {
  capText,
  endSentence,
  MAX_FIELD_CHARS,
  OperationFailedError,
  type OperationStatus,
  type OpwatchError,
  redact,
  TimeoutError,
} from "@opwatch/core";
import { lastStatus } from "./last-status.js";
import type { Wait } from "./wait.js";

/** The wait's TimeoutError: how long it waited, the last status, the server's last Retry-After, the last failure. */
export function timeout(
  w: Wait,
  retryAfter?: number,
  cause: unknown = w.rare?.lastError,
): TimeoutError<OperationStatus> {
  const { ctx, state, rawStatus, rare } = w;
  const progress = rare?.progress;
  const lastError = rare?.lastError;
  const seen = state
    ? `last state: ${state}${rawStatus ? ` (${capText(rawStatus, MAX_FIELD_CHARS)})` : ""}${
        progress === undefined ? "" : `, ${Math.round(progress * 100)}%`
      }`
    : "no status seen yet";
  const why = retryAfter === undefined ? "" : ` (the server asked to wait ${retryAfter} s more)`;
  const failure = lastError ? `; last error: ${lastError.message.replace(/\.$/, "")}` : "";
  const last = lastStatus(w);
  return new TimeoutError(
    `${ctx.label(w.params)} not done after ${formatMs(w.deadline - w.startedAt)}${why}; ${seen}${failure}. Raise maxWaitMs or poll again later with the same ref.`,
    last,
    { provider: last?.provider ?? ctx.provider, cause, secrets: ctx.secrets },
  );
}

/** The error a wait ends with once its failure budget is spent: the last failure's class, with it as `cause`. */
export function exhausted(w: Wait, last: OpwatchError): OpwatchError {
  const Kind = last.constructor as new (message: string, details: object) => OpwatchError;
  return new Kind(
    `${w.ctx.label(w.params)}: gave up after ${w.rare?.failures} failures in a row (raise maxConsecutiveFailures to keep trying); the last: ${last.message}`,
    {
      provider: last.provider ?? w.ctx.provider,
      httpStatus: last.httpStatus,
      code: last.code,
      requestId: last.requestId,
      retryAfter: last.retryAfter,
      cause: last,
    },
  );
}

/** A wait's final status, or OperationFailedError when it ended failed or canceled (unless told not to throw). */
export function settleFinal(w: Wait, final: OperationStatus): OperationStatus {
  if (w.options.throwOnFailure && (final.state === "failed" || final.state === "canceled")) {
    const { ctx } = w;
    // One sentence, whatever the server's text: its tokens masked first (folding its blanks would break a
    // token with a space or a tab in it), then blanks and line breaks folded, capped as core caps a
    // server's text, its own stop kept.
    const text = redact(`${final.error?.code ?? ""} ${final.error?.message ?? ""}`, ctx.secrets ?? []);
    const said = `${ctx.label(w.params)} ended ${final.state}`;
    const sentence = text.trim() ? `${said}: ${endSentence(text)}` : /[.!?…]$/.test(said) ? said : `${said}.`;
    throw new OperationFailedError(sentence, final, {
      provider: final.provider,
      code: final.error?.code,
      secrets: ctx.secrets,
    });
  }
  return final;
}

function formatMs(ms: number): string {
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
