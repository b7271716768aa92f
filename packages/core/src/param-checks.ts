// The checks of one path parameter, shared by the generated providers and the description interpreter
// (`@opwatch/core/described`), so both refuse a bad id with the same message. @internal
import { ValidationError } from "./errors.js";

const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The hyphenated UUID of `format: uuid`. @internal */
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Throws the ValidationError for path parameter `name`: `why` says what it must be. @internal */
export function refuseParam(provider: string, name: string, why: string, kind: ParamKind = "path"): never {
  throw new ValidationError(`${provider}: ${kind} parameter "${name}" ${why}`, { provider });
}

/** Where a parameter goes: the path, or the query (a required `api-version`). @internal */
export type ParamKind = "path" | "query";

/** A numeric path parameter: a number or its decimal spelling (`"42"`, as a status URL carries it). @internal */
export function numberParam(
  provider: string,
  name: string,
  value: unknown,
  integer: boolean,
  kind: ParamKind = "path",
): number {
  const number =
    typeof value === "number" ? value : typeof value === "string" && NUMERIC.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || (integer && !Number.isInteger(number))) {
    refuseParam(provider, name, `must be ${integer ? "an integer" : "a number"}, got ${show(value)}.`, kind);
  }
  return number;
}

/**
 * A string path parameter: non-empty (at least `minLength`), well-formed Unicode, at most `maxLength`, and
 * never a dot segment. @internal
 */
export function stringParam(
  provider: string,
  name: string,
  value: unknown,
  minLength?: number,
  maxLength?: number,
  kind: ParamKind = "path",
): string {
  if (typeof value !== "string") refuseParam(provider, name, `must be a string, got ${show(value)}.`, kind);
  const text = value as string;
  if (text.length < Math.max(1, minLength ?? 1)) {
    refuseParam(
      provider,
      name,
      text.length === 0 ? "must not be empty." : `must be at least ${minLength} characters long.`,
      kind,
    );
  }
  // A lone surrogate cannot be percent-encoded (encodeURIComponent throws on it).
  if (/\p{Cs}/u.test(text)) refuseParam(provider, name, "must be well-formed Unicode.", kind);
  if (maxLength !== undefined && text.length > maxLength) {
    refuseParam(provider, name, `must be at most ${maxLength} characters long.`, kind);
  }
  if (text === "." || text === "..") dotSegment(provider, name, text, kind);
  return text;
}

/**
 * A multi-segment path parameter (Google's `projects/p/operations/o`): a {@link stringParam} whose
 * slash-joined segments are neither dot segments nor empty, without `?`, `#` or `\`. Only a spec with one
 * imports it. @internal
 */
export function segmentsParam(
  provider: string,
  name: string,
  value: unknown,
  minLength?: number,
  maxLength?: number,
): string {
  const text = stringParam(provider, name, value, minLength, maxLength);
  const segments = text.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) dotSegment(provider, name, text, "path");
  if (segments.some((segment) => segment === "") || /[?#\\]/.test(text)) {
    refuseParam(
      provider,
      name,
      `must be path segments joined by "/", without empty segments, "?", "#" or "\\", got ${JSON.stringify(text)}.`,
    );
  }
  return text;
}

function dotSegment(provider: string, name: string, text: string, kind: ParamKind): never {
  return refuseParam(
    provider,
    name,
    `cannot be or contain the path segment "." or "..", got ${JSON.stringify(text)}.`,
    kind,
  );
}

/** A multi-segment value as a path: each segment percent-encoded, the slashes kept. @internal */
export const encodeSegments = (value: string | number): string =>
  String(value).split("/").map(encodeURIComponent).join("/");

/** A path parameter of a status URL, percent-decoded; bad percent-encoding is a ValidationError. @internal */
export function decodeParam(provider: string, name: string, raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? "");
  } catch {
    throw new ValidationError(
      `${provider}: path parameter "${name}" of the status URL is not valid percent-encoding, got ${JSON.stringify(raw ?? "")}.`,
      { provider },
    );
  }
}

/** A value as a message shows it. @internal */
export function show(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  return typeof value;
}

/** The ValidationError for an endpoint name that is none of the provider's poll endpoints. @internal */
export function unknownEndpoint(provider: string, endpoint: string, known: readonly string[]): never {
  throw new ValidationError(
    `${provider}: unknown endpoint ${JSON.stringify(endpoint)}; expected one of ${known.join(", ")}.`,
    { provider },
  );
}
