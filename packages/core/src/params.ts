import type { PathParamDescription } from "./description.js";
import { ValidationError } from "./errors.js";

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Checks path parameters against their spec before any request. Values are later sent percent-encoded
 * as one path segment; `.` and `..` are refused because URL parsers resolve them even when encoded.
 */
export function validatePathParams(
  provider: string,
  params: readonly PathParamDescription[],
  values: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const param of params) {
    const value = values[param.name];
    if (typeof value !== "string") {
      throw new ValidationError(
        `${provider}: path parameter "${param.name}" must be a string, got ${describe(value)}.`,
        {
          provider,
        },
      );
    }
    if (value.length < Math.max(1, param.minLength ?? 1)) {
      throw new ValidationError(`${provider}: path parameter "${param.name}" must not be empty.`, { provider });
    }
    if (/\p{Cs}/u.test(value)) {
      // A lone surrogate cannot be percent-encoded (encodeURIComponent throws on it).
      throw new ValidationError(`${provider}: path parameter "${param.name}" must be well-formed Unicode.`, {
        provider,
      });
    }
    if (value === "." || value === "..") {
      throw new ValidationError(`${provider}: path parameter "${param.name}" cannot be "${value}".`, { provider });
    }
    if (param.format === "uuid" && !UUID.test(value)) {
      throw new ValidationError(
        `${provider}: path parameter "${param.name}" must be a hyphenated UUID such as 75aab8db-8632-42b4-af2f-06b5820798ef, got ${JSON.stringify(value)}.`,
        { provider },
      );
    }
    if (param.pattern !== undefined && !new RegExp(param.pattern, "u").test(value)) {
      throw new ValidationError(
        `${provider}: path parameter "${param.name}" must match ${param.pattern}, got ${JSON.stringify(value)}.`,
        { provider },
      );
    }
    out[param.name] = value;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return typeof value;
}

/** Fills a path template (`/jobs/{job}`) with validated values, each percent-encoded as one segment. */
export function expandPath(
  template: string,
  values: Readonly<Record<string, string>>,
  _params?: readonly PathParamDescription[],
): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
}
