import { capText, MAX_MESSAGE_CHARS } from "./cap.js";
import { maskCause, serverField } from "./cause.js";
import type { CompiledProvider } from "./compiled.js";
import { budgetSpent, pushbackHeader } from "./pushback.js";
import { redact, redactDeep } from "./redact.js";
import { describeWaitSource } from "./shapes/rate-limit.js";

/** What every opwatch error can tell about the failed call, where known. */
export interface OpwatchErrorDetails {
  provider?: string | undefined;
  /** HTTP status of the response that caused the error. */
  httpStatus?: number | undefined;
  /** The provider's own error code (`error_code`, `error.code`, …). */
  code?: string | undefined;
  requestId?: string | undefined;
  /** Seconds the server asked us to wait (`Retry-After`). */
  retryAfter?: number | undefined;
  cause?: unknown;
  /** Secrets to strip from the message, every string field and the whole cause chain. */
  secrets?: readonly string[] | undefined;
  /** Whether trying again later may succeed, when the class alone does not tell (see `retryable`). */
  retryable?: boolean | undefined;
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");
/** On each instance: the brands of its class and every base class. Global, so two copies of core agree. */
const BRANDS = Symbol.for("@opwatch/core/error-brands");
/**
 * On each class, as an own static field: its brand, `@opwatch/core:` and the class name. A string key, not a
 * symbol: a static field under a computed key (or a loop setting them after the classes) would keep every
 * error class in any bundle that imports one of them.
 */
const BRAND = "@opwatch/core:brand";
const BRAND_PREFIX = "@opwatch/core:";
const secretsOf = new WeakMap<object, readonly string[]>();

/** Base class of every error opwatch throws. Messages say what to do; tokens never appear in them. */
export class OpwatchError extends Error {
  /** @internal */
  static readonly "@opwatch/core:brand": string = "@opwatch/core:OpwatchError";
  // Declared, not initialized: the constructor sets each one, in this order (a class field would add
  // its own initializer to every bundle for no change in behaviour).
  /** The class name (`NotFoundError`, …), from the nearest class with a brand. */
  declare name: string;
  declare readonly provider: string | undefined;
  /** HTTP status of the response that caused the error, if there was one. */
  declare readonly httpStatus: number | undefined;
  declare readonly code: string | undefined;
  declare readonly requestId: string | undefined;
  declare readonly retryAfter: number | undefined;
  /**
   * True when trying the same request again later may succeed: a `NetworkError`, a `RateLimitError`
   * (429), a `ServerError` (5xx) or an `ApiError` for 408 (subclasses included).
   */
  declare readonly retryable: boolean;

  /**
   * `instanceof` by brand, not by prototype: an error made by another copy of @opwatch/core (npm may
   * install two) is still an `OpwatchError`, a `NotFoundError`, …. Subclasses without a brand of
   * their own (an app's `class MyError extends NotFoundError`) keep the usual prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`.
    return hasBrand(this, value);
  }

  constructor(message: string, details: OpwatchErrorDetails = {}) {
    const secrets = details.secrets ?? [];
    // Masked, then capped (a cut first could keep part of a token): a server's text is in many messages.
    super(
      capText(redact(message, secrets), MAX_MESSAGE_CHARS, true),
      details.cause === undefined ? undefined : { cause: maskCause(details.cause, secrets) },
    );
    if (secrets.length > 0) secretsOf.set(this, secrets);
    const brands = brandChain(new.target);
    Object.defineProperty(this, BRANDS, { value: brands });
    const name = brands[0]?.slice(BRAND_PREFIX.length) ?? "OpwatchError";
    const { httpStatus, code, requestId } = details;
    // Own, enumerable, in this order (toJSON, inspect and structural comparisons read them).
    Object.assign(this, {
      name,
      provider: details.provider,
      httpStatus,
      code: code === undefined ? code : serverField(code, secrets),
      requestId: requestId === undefined ? requestId : serverField(requestId, secrets),
      retryAfter: details.retryAfter,
      retryable: details.retryable ?? (RETRYABLE.test(name) || (name === "ApiError" && httpStatus === 408)),
    });
  }

  /** For subclasses: `value` with every secret of this error masked in every nested string. @internal */
  protected scrub<T>(value: T): T {
    return redactDeep(value, secretsOf.get(this) ?? []);
  }

  /** The error's fields as plain JSON (name, message, provider, httpStatus, code, …), tokens redacted: for logs. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const key of ["provider", "httpStatus", "code", "requestId", "retryAfter"] as const) {
      if (this[key] !== undefined) json[key] = this[key];
    }
    json.retryable = this.retryable;
    return json;
  }

  /** What `console.log` and `util.inspect` print: the name, the message and the known fields, tokens redacted. */
  [inspectSymbol](): string {
    const fields = Object.entries(this.toJSON())
      .filter(([key]) => key !== "name" && key !== "message")
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
    return `${this.name}: ${this.message}${fields.length ? ` { ${fields.join(", ")} }` : ""}`;
  }
}

/** The classes whose errors are retryable (by their name, so an app's subclass of one is too); ApiError for 408. */
const RETRYABLE = /^(RateLimit|Server|Network)Error$/;

function hasBrand(ctor: abstract new (...args: never[]) => unknown, value: unknown): boolean {
  if (!Object.hasOwn(ctor, BRAND)) return Function.prototype[Symbol.hasInstance].call(ctor, value);
  const brands = (value as { [BRANDS]?: unknown } | null)?.[BRANDS];
  return Array.isArray(brands) && brands.includes((ctor as unknown as { [BRAND]: string })[BRAND]);
}

function brandChain(target: abstract new (...args: never[]) => unknown): string[] {
  const brands: string[] = [];
  for (let ctor: unknown = target; typeof ctor === "function"; ctor = Object.getPrototypeOf(ctor)) {
    if (Object.hasOwn(ctor, BRAND)) brands.push((ctor as unknown as { [BRAND]: string })[BRAND]);
  }
  return brands;
}

/** Bad input caught before any request: an empty id, a malformed UUID, an unknown region, a bad URL. */
export class ValidationError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:ValidationError";
}

/** 401 or 403: the token is missing, expired or lacks the scope. */
export class AuthError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:AuthError";
}

/** 404: the operation (or its parent resource) does not exist at this base URL. */
export class NotFoundError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:NotFoundError";
}

/** 429, or a 403 that asks to wait or says the rate-limit budget is spent: `retryAfter` says how long to wait when the server said so. Retryable. */
export class RateLimitError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:RateLimitError";
  declare readonly retryable: true;
}

/** 5xx: the provider failed; usually worth retrying later. Retryable. */
export class ServerError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:ServerError";
  declare readonly retryable: true;
}

/** Any other HTTP error (400, 408, 409, 422, …). 408 is retryable, the rest are not. */
export class ApiError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:ApiError";
}

/** The request never got an HTTP answer: DNS, connection reset, per-request timeout, CORS. Retryable. */
export class NetworkError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:NetworkError";
  declare readonly retryable: true;
}

/** The response arrived but does not fit the provider's spec (not JSON, no status field, a foreign redirect). */
export class ResponseError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:ResponseError";
}

/** The deadline passed (a wait's `maxWaitMs`, a read's `deadline`). `lastStatus` is the last status seen, if any. */
export class TimeoutError<Status = unknown> extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:TimeoutError";
  declare readonly lastStatus: Status | undefined;
  constructor(message: string, lastStatus: Status | undefined, details: OpwatchErrorDetails = {}) {
    super(message, details);
    (this as { lastStatus: unknown }).lastStatus = this.scrub(lastStatus);
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:AbortError";
}

/** The operation itself ended failed or canceled, and the caller asked for that to throw. */
export class OperationFailedError<Status = unknown> extends OpwatchError {
  /** @internal */
  static override readonly "@opwatch/core:brand": string = "@opwatch/core:OperationFailedError";
  /** The operation's last status: the one that ended failed or canceled. */
  declare readonly finalStatus: Status;
  constructor(message: string, finalStatus: Status, details: OpwatchErrorDetails = {}) {
    super(message, details);
    (this as { finalStatus: unknown }).finalStatus = this.scrub(finalStatus);
  }
}

/** `text` as the end of a sentence: trimmed, one line, at most 200 characters, ending in one stop. @internal */
export function endSentence(text: string): string {
  const line = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return /[.!?…]$/.test(line) ? line : `${line}.`;
}

/**
 * Maps an HTTP error answer to the typed error for its status, reading the spec's error body
 * (as openai-node's `APIError.generate`). One sentence: what to check, then what the server said.
 * @internal
 */
export function errorFromResponse(
  compiled: CompiledProvider,
  response: { readonly status: number; readonly headers: { get(name: string): string | null } },
  body: unknown,
  text: string | undefined,
  retryAfter: number | undefined,
  secrets: readonly string[],
  /** A retry delay the error body states (the spec's `errorBody.retryDelay`), when no header asked for one. */
  bodyDelay?: number,
): OpwatchError {
  const { description } = compiled;
  const provider = description.name;
  const requestIdHeader = description.adapter.errorBody?.requestIdHeader;
  const status = response.status;
  const fields = compiled.errorFields?.(body) ?? {};
  const code = fields.code;
  const message = fields.message ?? (text && body === undefined ? text : undefined);
  const requestId =
    fields.requestId ??
    (requestIdHeader === undefined ? null : response.headers.get(requestIdHeader)) ??
    response.headers.get("x-request-id") ??
    undefined;
  const wait = retryAfter ?? bodyDelay;
  const details = { provider, httpStatus: status, code, requestId, retryAfter: wait, secrets };
  // Masked before the cut: a token across the 200-character end would otherwise keep its first part.
  const said = endSentence(
    redact(
      `${description.displayName} answered ${status}${code ? ` ${code}` : ""}${message?.trim() ? `: ${message}` : ""}`,
      secrets,
    ),
  );
  // A 403 that asks to wait or says the budget is spent is rate limiting (GitHub's), not a refused token.
  if (status === 429 || (status === 403 && (wait !== undefined || budgetSpent(response.headers)))) {
    const header = pushbackHeader(response.headers) ?? "Retry-After";
    const from =
      bodyDelay !== undefined
        ? "the error body's retryDelay"
        : describeWaitSource(header, description.adapter.rateLimit);
    const asked = wait === undefined ? "Slow down" : `Wait ${wait} s (${from})`;
    return new RateLimitError(`${asked} before the next request: ${said}`, details);
  }
  if (status === 401 || status === 403) {
    const header = description.auth.type === "header" ? description.auth.name : "Authorization";
    return new AuthError(
      `Check that the token option (sent as ${header}) is valid, not expired and has the required scope: ${said}`,
      details,
    );
  }
  if (status === 404) return new NotFoundError(`Check the operation id and the baseUrl option: ${said}`, details);
  if (status >= 500) return new ServerError(`The provider failed, so try again later: ${said}`, details);
  return new ApiError(said, details);
}
