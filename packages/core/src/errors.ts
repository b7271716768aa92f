import { redact } from "./redact.js";

/** What every opwatch error can tell about the failed call, where known. */
export interface OpwatchErrorDetails {
  provider?: string | undefined;
  /** HTTP status of the response that caused the error. */
  status?: number | undefined;
  /** The provider's own error code (`error_code`, `error.code`, …). */
  code?: string | undefined;
  requestId?: string | undefined;
  /** Seconds the server asked us to wait (`Retry-After`). */
  retryAfter?: number | undefined;
  cause?: unknown;
  /** Secrets to strip from the message and the cause's message. */
  secrets?: readonly string[] | undefined;
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/** Base class of every error opwatch throws. Messages say what to do; tokens never appear in them. */
export class OpwatchError extends Error {
  override name = "OpwatchError";
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfter: number | undefined;
  /** True when trying the same request again later may succeed (network, 408, 429, 5xx). */
  readonly retryable: boolean = false;

  constructor(message: string, details: OpwatchErrorDetails = {}) {
    const secrets = details.secrets ?? [];
    super(
      redact(message, secrets),
      details.cause === undefined ? undefined : { cause: redactCause(details.cause, secrets) },
    );
    this.provider = details.provider;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.retryAfter = details.retryAfter;
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const key of ["provider", "status", "code", "requestId", "retryAfter"] as const) {
      if (this[key] !== undefined) json[key] = this[key];
    }
    json.retryable = this.retryable;
    return json;
  }

  [inspectSymbol](): string {
    const fields = Object.entries(this.toJSON())
      .filter(([key]) => key !== "name" && key !== "message")
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
    return `${this.name}: ${this.message}${fields.length ? ` { ${fields.join(", ")} }` : ""}`;
  }
}

function redactCause(cause: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0 || !(cause instanceof Error)) return cause;
  const copy = new Error(redact(cause.message, secrets));
  copy.name = cause.name;
  return copy;
}

/** Bad input caught before any request: an empty id, a malformed UUID, an unknown region, a bad URL. */
export class ValidationError extends OpwatchError {
  override name = "ValidationError";
}

/** 401 or 403: the token is missing, expired or lacks the scope. */
export class AuthError extends OpwatchError {
  override name = "AuthError";
}

/** 404: the operation (or its parent resource) does not exist at this base URL. */
export class NotFoundError extends OpwatchError {
  override name = "NotFoundError";
}

/** 429: too many requests; `retryAfter` says how long to wait when the server said so. */
export class RateLimitError extends OpwatchError {
  override name = "RateLimitError";
  override readonly retryable = true;
}

/** 5xx: the provider failed; usually worth retrying later. */
export class ServerError extends OpwatchError {
  override name = "ServerError";
  override readonly retryable = true;
}

/** Any other HTTP error (400, 408, 409, 422, …). 408 is retryable, the rest are not. */
export class ApiError extends OpwatchError {
  override name = "ApiError";
  override readonly retryable: boolean;
  constructor(message: string, details: OpwatchErrorDetails = {}) {
    super(message, details);
    this.retryable = details.status === 408;
  }
}

/** The request never got an HTTP answer: DNS, connection reset, per-request timeout. */
export class NetworkError extends OpwatchError {
  override name = "NetworkError";
  override readonly retryable = true;
}

/** The response arrived but does not fit the provider's spec (not JSON, no status field). */
export class ResponseError extends OpwatchError {
  override name = "ResponseError";
}

/** `wait` gave up: the maximum wait elapsed. `lastStatus` is the last status seen, if any. */
export class TimeoutError<Status = unknown> extends OpwatchError {
  override name = "TimeoutError";
  readonly lastStatus: Status | undefined;
  constructor(message: string, lastStatus: Status | undefined, details: OpwatchErrorDetails = {}) {
    super(message, details);
    this.lastStatus = lastStatus;
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends OpwatchError {
  override name = "AbortError";
}

/** The operation itself ended failed or canceled, and the caller asked for that to throw. */
export class OperationFailedError<Status = unknown> extends OpwatchError {
  override name = "OperationFailedError";
  readonly operation: Status;
  constructor(message: string, operation: Status, details: OpwatchErrorDetails = {}) {
    super(message, details);
    this.operation = operation;
  }
}
