// Required query parameters of a poll endpoint (Azure's `?api-version=2023-01-01`): part of what names an
// operation, so they are checked like path parameters, kept in refs and sent on every read.
import type { PollEndpointDescription } from "./description.js";
import { type PathParamValue, validatePathParams } from "./params.js";

/**
 * The endpoint's query parameter values: each one given in `input`, else the spec's `default`, checked
 * against its schema (a `ValidationError` names it); `{}` for an endpoint without any.
 */
export function queryValues(
  provider: string,
  endpoint: PollEndpointDescription,
  input: Readonly<Record<string, unknown>>,
): Record<string, PathParamValue> {
  const params = endpoint.queryParams;
  if (params === undefined || params.length === 0) return {};
  const given: Record<string, unknown> = {};
  for (const param of params) {
    const value = Object.hasOwn(input, param.name) ? input[param.name] : undefined;
    given[param.name] = value === undefined ? param.default : value;
  }
  return validatePathParams(provider, params, given, "query");
}

/** `?name=value&…` of checked query values (percent-encoded), or `""` for none. */
export function queryString(
  endpoint: PollEndpointDescription,
  values: Readonly<Record<string, PathParamValue>>,
): string {
  const params = endpoint.queryParams;
  if (params === undefined || params.length === 0) return "";
  let out = "";
  for (const param of params) {
    const value = values[param.name];
    if (value === undefined) continue;
    out += `${out === "" ? "?" : "&"}${encodeURIComponent(param.name)}=${encodeURIComponent(String(value))}`;
  }
  return out;
}
