import type { PathParamDescription } from "./description.js";
import { ValidationError } from "./errors.js";

/** A path parameter's value: a string, or a number for an `integer`/`number` parameter. */
export type PathParamValue = string | number;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Checks path parameters against their schema (type, minimum/maximum, length, pattern, uuid format, enum)
 * before any request. Numeric parameters accept a number or its decimal spelling (`"42"`, as a status URL
 * carries it) and come back as numbers; string parameters come back as given.
 */
export function validatePathParams(
  provider: string,
  params: readonly PathParamDescription[],
  values: Readonly<Record<string, unknown>>,
  kind: "path" | "query" = "path",
): Record<string, PathParamValue> {
  const out: Record<string, PathParamValue> = {};
  for (const param of params) {
    const value = values[param.name];
    const refuse = (why: string): never => {
      throw new ValidationError(`${provider}: ${kind} parameter "${param.name}" ${why}`, { provider });
    };
    if (param.type === "integer" || param.type === "number") {
      const number =
        typeof value === "number"
          ? value
          : typeof value === "string" && NUMERIC.test(value)
            ? Number(value)
            : Number.NaN;
      const kind = param.type === "integer" ? "an integer" : "a number";
      if (!Number.isFinite(number) || (param.type === "integer" && !Number.isInteger(number))) {
        refuse(`must be ${kind}, got ${show(value)}.`);
      }
      if (param.minimum !== undefined && number < param.minimum)
        refuse(`must be at least ${param.minimum}, got ${number}.`);
      if (param.maximum !== undefined && number > param.maximum)
        refuse(`must be at most ${param.maximum}, got ${number}.`);
      if (param.enum && !param.enum.includes(number)) refuse(`must be one of ${param.enum.join(", ")}, got ${number}.`);
      out[param.name] = number;
      continue;
    }
    if (typeof value !== "string") refuse(`must be a string, got ${show(value)}.`);
    const text = value as string;
    if (text.length < Math.max(1, param.minLength ?? 1)) {
      refuse(text.length === 0 ? "must not be empty." : `must be at least ${param.minLength} characters long.`);
    }
    // A lone surrogate cannot be percent-encoded (encodeURIComponent throws on it).
    if (/\p{Cs}/u.test(text)) refuse("must be well-formed Unicode.");
    if (param.maxLength !== undefined && text.length > param.maxLength) {
      refuse(`must be at most ${param.maxLength} characters long.`);
    }
    const segments = param.multiSegment ? text.split("/") : [text];
    if (segments.some((segment) => segment === "." || segment === "..")) {
      refuse(`cannot be or contain the path segment "." or "..", got ${JSON.stringify(text)}.`);
    }
    if (param.multiSegment && (segments.some((segment) => segment === "") || /[?#\\]/.test(text))) {
      refuse(
        `must be path segments joined by "/", without empty segments, "?", "#" or "\\", got ${JSON.stringify(text)}.`,
      );
    }
    if (param.format === "uuid" && !UUID.test(text)) {
      refuse(`must be a hyphenated UUID such as 75aab8db-8632-42b4-af2f-06b5820798ef, got ${JSON.stringify(text)}.`);
    }
    if (param.pattern !== undefined && !new RegExp(param.pattern, "u").test(text)) {
      refuse(`must match ${param.pattern}, got ${JSON.stringify(text)}.`);
    }
    if (param.enum && !param.enum.includes(text))
      refuse(`must be one of ${param.enum.join(", ")}, got ${JSON.stringify(text)}.`);
    out[param.name] = text;
  }
  return out;
}

/**
 * Fills a path template (`/operations/{operation_id}`) with validated values. Each value is
 * percent-encoded as one segment, so `/`, `?` and `#` cannot leave it; a multi-segment parameter keeps
 * its slashes and has each segment encoded (its dot segments were refused by validatePathParams).
 */
export function expandPath(
  template: string,
  values: Readonly<Record<string, PathParamValue>>,
  params: readonly PathParamDescription[] = [],
): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new ValidationError(`path parameter "${name}" has no value.`, {});
    const multi = params.some((param) => param.name === name && param.multiSegment);
    const text = String(value);
    return multi ? text.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(text);
  });
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  return typeof value;
}
