// The cause an error keeps: what failed underneath (a socket error, a parse error with the server's raw
// bytes, another opwatch error) may hold a token a server echoed, or anything a server sent, at any size.
import { capText, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS } from "./cap.js";
import { redact, redactDeep } from "./redact.js";

/** On every opwatch error (see errors.ts), by `Symbol.for`: so two copies of core agree. */
const BRANDS = Symbol.for("@opwatch/core/error-brands");
const isOpwatchError = (value: unknown): boolean =>
  typeof value === "object" && value !== null && Array.isArray((value as { [BRANDS]?: unknown })[BRANDS]);

/** A string a server may have sent, as an error field: masked, then capped. @internal */
export const serverField = (text: string, secrets: readonly string[]): string =>
  capText(redact(text, secrets), MAX_FIELD_CHARS);

/**
 * The cause chain as it may be kept: every secret masked and every string capped (messages, string fields,
 * binary fields such as a parse error's `rawPacket` turned into text, nested causes). A cause that needs
 * neither is kept as it is, and so is an opwatch error when there is nothing more to mask (it was made
 * masked and capped); past 8 causes deep, the chain ends. @internal
 */
export function maskCause(cause: unknown, secrets: readonly string[], depth = 0): unknown {
  if (isOpwatchError(cause) && secrets.length === 0) return cause;
  if (!(cause instanceof Error)) return redactDeep(cause, secrets, { cap: MAX_MESSAGE_CHARS });
  const message = capText(redact(cause.message, secrets), MAX_MESSAGE_CHARS, true);
  const fields = Object.entries(cause).map(
    ([key, value]) => [key, redactDeep(value, secrets, { cap: MAX_MESSAGE_CHARS })] as const,
  );
  const inner = cause.cause === undefined || depth >= 8 ? undefined : maskCause(cause.cause, secrets, depth + 1);
  const same =
    message === cause.message &&
    fields.every(([key, value]) => value === (cause as unknown as Record<string, unknown>)[key]) &&
    inner === cause.cause;
  if (same && secrets.length === 0) return cause;
  const copy = new Error(message);
  copy.name = cause.name;
  for (const [key, value] of fields) {
    if (key !== "cause") (copy as unknown as Record<string, unknown>)[key] = value;
  }
  if (inner !== undefined) copy.cause = inner;
  return copy;
}
