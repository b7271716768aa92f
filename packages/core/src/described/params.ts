// Path parameters read from a description at run time: the interpreter behind `describedProvider`. The
// generated providers write the same checks out as code (scripts/generator/compile/params.mjs).
import type { PathParamDescription, PollEndpointDescription } from "../description.js";
import { ValidationError } from "../errors.js";
import {
  decodeParam,
  encodeSegments,
  numberParam,
  type ParamKind,
  refuseParam,
  segmentsParam,
  show,
  stringParam,
  UUID,
} from "../param-checks.js";
import type { PathParamValue } from "../params.js";

/**
 * Checks path parameters against their schema (type, minimum/maximum, length, pattern, uuid format, enum)
 * before any request. Numeric parameters accept a number or its decimal spelling (`"42"`, as a status URL
 * carries it) and come back as numbers; string parameters come back as given.
 */
export function validatePathParams(
  provider: string,
  params: readonly PathParamDescription[],
  values: Readonly<Record<string, unknown>>,
  kind: ParamKind = "path",
): Record<string, PathParamValue> {
  const out: Record<string, PathParamValue> = {};
  for (const param of params) {
    const { name } = param;
    const value = values[name];
    const refuse = (why: string) => refuseParam(provider, name, why, kind);
    if (param.type === "integer" || param.type === "number") {
      const number = numberParam(provider, name, value, param.type === "integer", kind);
      if (param.minimum !== undefined && number < param.minimum)
        refuse(`must be at least ${param.minimum}, got ${number}.`);
      if (param.maximum !== undefined && number > param.maximum)
        refuse(`must be at most ${param.maximum}, got ${number}.`);
      if (param.enum && !param.enum.includes(number)) refuse(`must be one of ${param.enum.join(", ")}, got ${number}.`);
      out[name] = number;
      continue;
    }
    const text = param.multiSegment
      ? segmentsParam(provider, name, value, param.minLength, param.maxLength)
      : stringParam(provider, name, value, param.minLength, param.maxLength, kind);
    if (param.format === "uuid" && !UUID.test(text)) {
      refuse(`must be a hyphenated UUID such as 75aab8db-8632-42b4-af2f-06b5820798ef, got ${JSON.stringify(text)}.`);
    }
    if (param.pattern !== undefined && !new RegExp(param.pattern, "u").test(text)) {
      refuse(`must match ${param.pattern}, got ${JSON.stringify(text)}.`);
    }
    if (param.enum && !param.enum.includes(text)) refuse(`must be one of ${param.enum.join(", ")}, got ${show(text)}.`);
    out[name] = text;
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
    return multi ? encodeSegments(value as PathParamValue) : encodeURIComponent(String(value));
  });
}

/** The path parameters of `pathname` when it is `endpoint`'s path, percent-decoded; else undefined. */
export function matchPath(
  provider: string,
  endpoint: PollEndpointDescription,
  pathname: string,
): Record<string, string> | undefined {
  const names: string[] = [];
  const source = endpoint.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      // A multi-segment parameter (Google's `projects/p/operations/o`) spans slashes.
      return endpoint.pathParams.some((p) => p.name === name && p.multiSegment) ? "(.+?)" : "([^/]+)";
    })
    .join("");
  const match = new RegExp(`^${source}/?$`).exec(pathname);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  names.forEach((name, index) => {
    params[name] = decodeParam(provider, name, match[index + 1]);
  });
  return params;
}
