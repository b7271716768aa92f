import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthError,
  NetworkError,
  OperationFailedError,
  OpwatchError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../src/index.js";

const TOKEN = "tok_live_5f4dcc3b5aa765d61d8327deb882cf99";

describe("OpwatchError", () => {
  it("redacts tokens from the message and the cause", () => {
    const cause = new Error(`connect failed for Bearer ${TOKEN}`);
    const error = new NetworkError(`request with ${TOKEN} failed`, { provider: "x", cause, secrets: [TOKEN] });
    expect(error.message).toBe("request with [REDACTED] failed");
    expect((error.cause as Error).message).toBe("connect failed for Bearer [REDACTED]");
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(inspect(error)).not.toContain(TOKEN);
    expect(String(error.stack)).not.toContain(TOKEN);
  });

  it("serializes to JSON with its fields", () => {
    const error = new RateLimitError("slow down", {
      provider: "bentley",
      httpStatus: 429,
      code: "RateLimitExceeded",
      retryAfter: 30,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "RateLimitError",
      message: "slow down",
      provider: "bentley",
      httpStatus: 429,
      code: "RateLimitExceeded",
      retryAfter: 30,
      retryable: true,
    });
    expect(inspect(error)).toBe(
      'RateLimitError: slow down { provider: "bentley", httpStatus: 429, code: "RateLimitExceeded", retryAfter: 30, retryable: true }',
    );
  });

  it("marks exactly the transient failures retryable", () => {
    expect(new RateLimitError("").retryable).toBe(true);
    expect(new ServerError("").retryable).toBe(true);
    expect(new NetworkError("").retryable).toBe(true);
    expect(new ApiError("", { httpStatus: 408 }).retryable).toBe(true);
    expect(new ApiError("", { httpStatus: 400 }).retryable).toBe(false);
    expect(new AuthError("").retryable).toBe(false);
    expect(new ValidationError("").retryable).toBe(false);
  });

  it("carries its fields as own enumerable properties, in one order, and subclasses keep retryable", () => {
    const error = new ApiError("x", { provider: "p", httpStatus: 408, code: "c" });
    const fields = ["name", "provider", "httpStatus", "code", "requestId", "retryAfter", "retryable"];
    expect(Object.keys(error)).toEqual(fields);
    expect(Object.keys(new TimeoutError("t", { state: "running" }))).toEqual([...fields, "lastStatus"]);
    expect(Object.keys(new OperationFailedError("f", { state: "failed" }))).toEqual([...fields, "finalStatus"]);
    // An app's subclass of a retryable class is retryable; one may also say so itself.
    class FlakyError extends ServerError {}
    class MaybeError extends ValidationError {
      override readonly retryable = true;
    }
    expect(new FlakyError("f").retryable).toBe(true);
    expect(new FlakyError("f").name).toBe("ServerError");
    expect(new MaybeError("m").retryable).toBe(true);
    expect(new ApiError("", { httpStatus: 409 }).retryable).toBe(false);
  });

  it("keeps one hierarchy: every error is an OpwatchError and an Error", () => {
    for (const error of [
      new ValidationError("v"),
      new TimeoutError("t", { state: "running" }),
      new OperationFailedError("f", { state: "failed" }),
    ]) {
      expect(error).toBeInstanceOf(OpwatchError);
      expect(error).toBeInstanceOf(Error);
    }
    expect(new TimeoutError("t", { state: "running" }).lastStatus).toEqual({ state: "running" });
    expect(new ValidationError("v").name).toBe("ValidationError");
  });
});
