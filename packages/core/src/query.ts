// Required query parameters of a poll endpoint (Azure's `?api-version=2023-01-01`): part of what names an
// operation, so they are kept in refs and sent on every read. Their checks are the provider's (`checkQuery`).
import type { PollEndpointDescription } from "./description.js";
import type { PathParamValue } from "./params.js";

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
