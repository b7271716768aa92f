import { capText, MAX_MESSAGE_CHARS } from "@opwatch/core";
import { AuthError, NetworkError, NotFoundError, type OperationStatus, OpwatchError, TimeoutError } from "opwatch";
import { neutralize, printable } from "./display/printable.js";
import { describeStatus } from "./display/text.js";
import type { OpView } from "./display/types.js";
import { formatDuration } from "./duration.js";
import type { StopSignal } from "./exit-codes.js";
import { cliProvider } from "./providers.js";

/** What a wait's message is made from besides the error: its time limit, the signal, the resume hint. */
export interface MessageContext {
  timeoutMs: number;
  stoppedBy: StopSignal | undefined;
  resume: string | undefined;
  status?: OperationStatus | undefined;
}

/**
 * What went wrong, in the CLI's words (flags, environment variables), one line: capped (its end, the
 * advice, kept) and with no control character, whatever the server's text in it.
 */
export function cliMessage(error: unknown, op: OpView, context: MessageContext): string {
  return neutralize(capText(inCliWords(error, op, context), MAX_MESSAGE_CHARS, true));
}

function inCliWords(error: unknown, op: OpView, context: MessageContext): string {
  const label = `${op.provider} ${printable(op.id)}`;
  const p = cliProvider(op.provider);
  const last = context.status ? describeStatus(context.status) : "no status seen yet";
  const resume = context.resume ? `; resume with: ${context.resume}` : "";
  if (error instanceof TimeoutError) {
    const cause = error.cause instanceof Error ? `, last error: ${sdkFree(error.cause.message, op.provider)}` : "";
    return `${label} not done after ${formatDuration(context.timeoutMs)} (last: ${last}${cause})${resume} (or raise --timeout)`;
  }
  if (context.stoppedBy)
    return `${label} ${context.stoppedBy === "SIGTERM" ? "terminated" : "interrupted"} (${context.stoppedBy}) while ${last}${resume}`;
  const gaveUp = error instanceof OpwatchError ? /gave up after (\d+) failures in a row/.exec(error.message) : null;
  if (gaveUp && error instanceof OpwatchError && error.cause instanceof OpwatchError) {
    const lastError = sdkFree(error.cause.message, op.provider);
    const why = error.cause.httpStatus === undefined ? lastError : `HTTP ${error.cause.httpStatus}: ${lastError}`;
    return `${label}: gave up after ${gaveUp[1]} failures in a row (last: ${why}); raise --max-failures to keep trying`;
  }
  const message = error instanceof Error ? sdkFree(error.message, op.provider) : String(error);
  const base = p ? `--base-url ${p.name}=<url> or ${p.baseUrlVar}` : "--base-url";
  if (error instanceof AuthError) {
    if (p && message.includes(p.tokenVar)) return `${label}: ${message}`;
    return `${label}: ${message}; check ${p?.tokenVar ?? "the token"} (valid, not expired, with the right scope)`;
  }
  if (error instanceof NotFoundError) return `${label}: ${message}; check the operation id and the base URL (${base})`;
  if (error instanceof NetworkError) return `${label}: ${message}; check the network and the base URL (${base})`;
  return `${label}: ${message}`;
}

/**
 * An error's message without the SDK's own advice (which names options such as `baseUrl`): the provider's
 * answer ("Bentley iTwin Schedules answered 404 …") or what failed; the CLI adds advice in its own words.
 */
function sdkFree(message: string, provider: string): string {
  const p = cliProvider(provider);
  let text = message.replace(new RegExp(`^${provider}: `), "");
  const answered = p ? text.indexOf(`${p.displayName} answered`) : -1;
  if (answered >= 0) text = text.slice(answered);
  return text
    .replace(/(;|,|\.)\s+(so\s+)?(check|raise|pass|the provider failed|slow down|wait \d)\b[\s\S]*$/i, "")
    .replace(/\.$/, "");
}
