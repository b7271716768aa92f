// The table behind the generic provider contract tests (provider-contract.ts), read from the spec and the
// generated description: the default poll endpoint with its path parameters and their examples, the
// documented error responses with their named examples, the auth scheme and the default server.
import {
  type PathParamDescription,
  type ProviderDescription,
  type QueryParamDescription,
  readPointer,
  readString,
} from "@opwatch/core";
import randexp from "randexp";
import {
  deref,
  findOperation,
  loadSpecDocument,
  parametersOf,
  responseExamples,
  type SpecDocument,
  type SpecSource,
} from "./spec.js";

/**
 * The error class the client must throw for an HTTP status, stated here apart from core's factory. A 403
 * that asks to wait (`Retry-After`) or says the budget is spent (`X-RateLimit-Remaining: 0`) is rate
 * limiting (GitHub's), not an auth failure.
 */
export function expectedErrorClass(
  status: number,
  headers: Pick<Headers, "get"> = new Headers(),
): { name: string; retryable: boolean } {
  const remaining = headers.get("x-ratelimit-remaining") ?? headers.get("ratelimit-remaining");
  const pushedBack = headers.get("retry-after") !== null || (remaining !== null && Number(remaining.trim()) === 0);
  if (status === 429 || (status === 403 && pushedBack)) return { name: "RateLimitError", retryable: true };
  if (status === 401 || status === 403) return { name: "AuthError", retryable: false };
  if (status === 404) return { name: "NotFoundError", retryable: false };
  if (status === 429) return { name: "RateLimitError", retryable: true };
  if (status >= 500) return { name: "ServerError", retryable: true };
  return { name: "ApiError", retryable: status === 408 };
}

/** One named example of a documented error response, and what the client must make of it. */
export interface ErrorCase {
  /**
   * The status Prism answers with. An example of a `default` response is asked for with the status the
   * provider's `defaultStatus` gives, else its `x-opwatch-status`, else 500 (or the first 5xx the operation
   * does not declare on its own).
   */
  status: number;
  /** `"default"` or the status as the spec writes it. */
  response: string;
  /**
   * The named example, or undefined when the response has none: Prism then answers its single `example`
   * (`body`), or a body made from the schema (`body` undefined: the test reads what Prism sent).
   */
  example: string | undefined;
  body: unknown;
}

/** The generic contract of one provider, as its spec and description state it. */
export interface ProviderTable {
  provider: string;
  displayName: string;
  endpoint: string;
  /** The endpoint's path template (`/zones/{zone_id}/catalog_tasks/{task_id}`). */
  path: string;
  accept: string;
  pathParams: readonly PathParamDescription[];
  /** Its required query parameters (`api-version`), sent on every read. */
  queryParams: readonly QueryParamDescription[];
  /** The path parameters' examples from the spec, and the required query parameters'. */
  params: Record<string, string | number>;
  /** The first named 200 example of the endpoint. */
  okExample: { name: string; body: unknown };
  /** The request header that carries the token, and its value for a token. */
  auth: { header: string; value(token: string): string };
  /**
   * The spec's first server with its variables at their defaults; undefined when its host is a variable
   * (an enterprise server's `https://{hostname}/api/v3`), which the user must name (`hostVariable`), or when the
   * spec names no server with a host (none, or only relative URLs): then every client needs `baseUrl`.
   */
  defaultServer: string | undefined;
  hostVariable: string | undefined;
  errors: ErrorCase[];
  /** The example of the first 401 response (what Prism answers a request without a token with), if any. */
  unauthorized: ErrorCase | undefined;
  /** The description's pointers into error bodies (code, message, request id, retry delay), and the request id's header. */
  errorBody: NonNullable<ProviderDescription["adapter"]["errorBody"]>;
  /** What the provider's rate-limit reset means (`x-opwatch.rateLimit`): the end of a window unless it says `refill`. */
  rateLimit: ProviderDescription["adapter"]["rateLimit"];
}

/** What the client must make of one error answer, read from what the server sent. */
export interface ExpectedError {
  errorClass: string;
  retryable: boolean;
  /** What the description's `errorBody` pointers read from the body. */
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
  /** The answer's `Retry-After` in seconds, when it sends one as a number. */
  retryAfter: number | undefined;
}

/** The error the client must throw for an answer (its status, headers and JSON body) under this table. */
export function expectedError(table: ProviderTable, status: number, headers: Headers, body: unknown): ExpectedError {
  const pointers = table.errorBody;
  const header = headers.get("retry-after")?.trim();
  const asked = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  // Without a Retry-After, a delay inside the error body (google.rpc.RetryInfo's `"3s"`) asks to wait.
  const headerWait = asked ?? refillWait(spentBudgetReset(status, headers), table.rateLimit);
  const retryAfter = headerWait ?? (header === undefined ? bodyDelay(body, pointers.retryDelay) : undefined);
  const expected =
    status === 403 && retryAfter !== undefined
      ? { name: "RateLimitError", retryable: true }
      : expectedErrorClass(status, headers);
  const requestIdHeader = pointers.requestIdHeader === undefined ? null : headers.get(pointers.requestIdHeader);
  return {
    errorClass: expected.name,
    retryable: expected.retryable,
    code: readString(body, pointers.code),
    message: readString(body, pointers.message),
    requestId: readString(body, pointers.requestId) ?? requestIdHeader ?? headers.get("x-request-id") ?? undefined,
    retryAfter,
  };
}

/**
 * Seconds (rounded up) of the retry delay an error body holds where `errorBody.retryDelay` says: at a pointer,
 * or in a field of the first entry of an array with the given fields; a duration's JSON (`"3s"`) or a number.
 */
function bodyDelay(body: unknown, where: NonNullable<ProviderTable["errorBody"]>["retryDelay"]): number | undefined {
  if (where === undefined) return undefined;
  let value: unknown;
  if (typeof where === "string") value = readPointer(body, where);
  else {
    const list = readPointer(body, where.pointer);
    const fields = Object.entries(where.entry);
    const entry = Array.isArray(list)
      ? list.find((item) =>
          fields.every(([name, expected]) => {
            const found = readPointer(
              item,
              name.startsWith("/") ? name : `/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`,
            );
            return typeof found === "string" && typeof expected === "string"
              ? found.trim().toLowerCase() === expected.toLowerCase()
              : found === expected;
          }),
        )
      : undefined;
    value = entry === undefined ? undefined : readPointer(entry, where.field);
  }
  const seconds =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+(\.\d+)?s$/.test(value.trim())
        ? Number.parseFloat(value)
        : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

/**
 * Seconds until a spent rate-limit budget resets, as the provider's `RateLimit-Reset` / `X-RateLimit-Reset`
 * says (delta seconds, or epoch seconds from 1e9 on, never below 0), when its `*-Remaining` is 0 or it is a
 * 429 without one; the longer of the two headers.
 */
function spentBudgetReset(status: number, headers: Headers): number | undefined {
  let wait: number | undefined;
  for (const prefix of ["", "x-"]) {
    const reset = headers.get(`${prefix}ratelimit-reset`)?.trim();
    if (reset === undefined || !/^\d+(\.\d+)?$/.test(reset)) continue;
    const remaining = headers.get(`${prefix}ratelimit-remaining`);
    if (remaining === null ? status !== 429 : Number(remaining.trim()) !== 0) continue;
    const value = Number(reset);
    const seconds = value >= 1e9 ? Math.max(0, Math.ceil(value - Date.now() / 1000)) : Math.ceil(value);
    wait = Math.max(wait ?? 0, seconds);
  }
  return wait;
}

/**
 * The wait a spent budget asks for under the spec's `rateLimit`: the reset for a window (the default); for a
 * `refill` reset (a full refill while requests come back one at a time) one request's time, `refillSeconds`
 * (1 when absent), never more than the reset.
 */
function refillWait(reset: number | undefined, rateLimit: ProviderTable["rateLimit"]): number | undefined {
  if (reset === undefined || rateLimit?.reset !== "refill") return reset;
  return Math.min(reset, rateLimit.refillSeconds ?? 1);
}

/** Per-provider facts the spec cannot say, passed in by the provider's generated test. */
export interface ProviderTableOptions {
  /** The status to ask Prism for with each named example of a `default` response (500 when absent). */
  defaultStatus?: Readonly<Record<string, number>>;
}

export function providerTable(
  spec: SpecSource,
  description: ProviderDescription,
  options: ProviderTableOptions = {},
): ProviderTable {
  const doc = loadSpecDocument(spec);
  const endpoint = description.defaultEndpoint;
  const described = description.endpoints[endpoint];
  if (!described) throw new Error(`${spec}: no default endpoint ${endpoint} in the description`);
  const found = findOperation(doc, endpoint);
  const { operation } = found;
  const params = { ...pathParamExamples(doc, found), ...queryParamExamples(doc, found) };
  const examplesOf = (response: SpecDocument) =>
    responseExamples(doc, response).map(([name, example]) => {
      const status = example["x-opwatch-status"];
      return [name, example.value, typeof status === "number" ? status : undefined] as const;
    });
  const [okName, okBody] = examplesOf(operation.responses?.["200"])[0] ?? [];
  if (okName === undefined) throw new Error(`${spec}: ${endpoint} has no named 200 example`);

  const errors: ErrorCase[] = [];
  for (const [key, node] of Object.entries<SpecDocument>(operation.responses ?? {})) {
    // `4XX` / `5XX` ranges: Prism answers them for the first status of the range.
    const range = /^([45])XX$/i.exec(key);
    if (key !== "default" && !range && !(Number(key) >= 400)) continue;
    // A status the spec maps to a state (`answers`: Snowflake's 422) is a status, checked with the 200 examples.
    if (description.adapter.answers?.[key] !== undefined) continue;
    const response = deref(doc, node);
    const named: (readonly [string | undefined, unknown, number | undefined])[] = examplesOf(response);
    const single = Object.values<SpecDocument>(response?.content ?? {})[0]?.example;
    const unnamed = [[undefined, single, undefined] as const];
    for (const [example, body, declared] of named.length > 0 ? named : unnamed) {
      const status =
        key === "default"
          ? ((example === undefined ? undefined : options.defaultStatus?.[example]) ??
            declared ??
            undeclaredStatus(Object.keys(operation.responses ?? {})))
          : range
            ? Number(range[1]) * 100
            : Number.parseInt(key, 10);
      errors.push({ status, response: key, example, body });
    }
  }

  const auth =
    description.auth.type === "header"
      ? { header: description.auth.name, value: (token: string) => token }
      : description.auth.type === "basic"
        ? { header: "Authorization", value: (token: string) => `Basic ${Buffer.from(token).toString("base64")}` }
        : { header: "Authorization", value: (token: string) => `Bearer ${token}` };
  const server = description.servers[0];
  let defaultServer = server?.url ?? "";
  for (const [name, variable] of Object.entries(server?.variables ?? {})) {
    defaultServer = defaultServer.replaceAll(`{${name}}`, variable.default);
  }
  defaultServer = defaultServer.replace(/\/+$/, "");
  const hostVariable = /^[^:/]+:\/\/\{([^}]+)\}(?=[:/]|$)/.exec(server?.url ?? "")?.[1];
  return {
    provider: description.name,
    displayName: description.displayName,
    endpoint,
    path: described.path,
    accept: described.accept,
    pathParams: described.pathParams,
    queryParams: described.queryParams ?? [],
    params,
    okExample: { name: okName, body: okBody },
    auth,
    defaultServer: hostVariable === undefined && server !== undefined ? defaultServer : undefined,
    hostVariable,
    errors,
    unauthorized: errors.find((e) => e.response === "401"),
    errorBody: description.adapter.errorBody ?? {},
    rateLimit: description.adapter.rateLimit,
  };
}

/**
 * The URL path of `template` with `params` put in, each value percent-encoded as one segment; a
 * multi-segment parameter (`x-opwatch-multi-segment`) keeps its slashes, each segment encoded.
 */
export function fillPath(
  template: string,
  params: Readonly<Record<string, string | number>>,
  pathParams: readonly PathParamDescription[] = [],
): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const text = String(params[name]);
    const multi = pathParams.some((p) => p.name === name && p.multiSegment);
    return multi ? text.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(text);
  });
}

/**
 * The URL a read of `params` goes to under `base`: the path filled in (see fillPath), then the required
 * query parameters, each percent-encoded, in the spec's order.
 */
export function fillUrl(table: ProviderTable, params: Readonly<Record<string, string | number>>): string {
  const query = table.queryParams
    .filter((p) => params[p.name] !== undefined)
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(params[p.name]))}`);
  return fillPath(table.path, params, table.pathParams) + (query.length ? `?${query.join("&")}` : "");
}

/** `params` split as openapi-fetch takes them: `{ path, query }`. */
export function typedParams(
  table: ProviderTable,
  params: Readonly<Record<string, string | number>>,
): { path: Record<string, string | number>; query?: Record<string, string | number> } {
  const isQuery = (name: string) => table.queryParams.some((p) => p.name === name);
  const path = Object.fromEntries(Object.entries(params).filter(([name]) => !isQuery(name)));
  const query = Object.fromEntries(Object.entries(params).filter(([name]) => isQuery(name)));
  return Object.keys(query).length ? { path, query } : { path };
}

/** The path parameters a value with reserved characters may be sent in (no pattern, format or enum). */
export function freeFormParams(table: ProviderTable): PathParamDescription[] {
  return table.pathParams.filter(
    (p) =>
      (p.type ?? "string") === "string" &&
      p.pattern === undefined &&
      p.format === undefined &&
      p.enum === undefined &&
      !p.multiSegment,
  );
}

/** The poll endpoint's path parameters, each with its example from the spec (see parameterExample). */
export function pathParamExamples(
  doc: SpecDocument,
  found: { path: string; operation: SpecDocument },
): Record<string, string | number> {
  return Object.fromEntries(parametersOf(doc, found, "path").map((p) => [p.name, parameterExample(p)]));
}

/** The poll endpoint's required query parameters (`api-version`), each with its example (see parameterExample). */
export function queryParamExamples(
  doc: SpecDocument,
  found: { path: string; operation: SpecDocument },
): Record<string, string | number> {
  return Object.fromEntries(
    parametersOf(doc, found, "query")
      .filter((p) => p.required === true)
      .map((p) => [p.name, parameterExample(p)]),
  );
}

/**
 * A path parameter's example: its `example`, first named example, or its schema's; else one its schema
 * implies (the first of an `enum`, the `default`, an integer's `minimum` or 1, a UUID, a plain string).
 * Throws when the schema implies none (a `pattern` without an example).
 */
export function parameterExample(param: SpecDocument): string | number {
  const value = parameterExampleOrUndefined(param);
  if (value === undefined) throw new Error(`path parameter ${param.name} has no example in the spec`);
  return value;
}

/**
 * The status a `default` response stands for when its example names none: 500, or the first error status the
 * operation does not declare on its own (DigitalOcean declares 500 beside `default`, and Prism answers a
 * declared status from its own response).
 */
function undeclaredStatus(keys: readonly string[]): number {
  const declared = (status: number) => keys.includes(String(status)) || keys.includes(`${String(status)[0]}XX`);
  for (let status = 500; status <= 599; status += 1) if (!declared(status)) return status;
  for (let status = 400; status <= 499; status += 1) if (!declared(status)) return status;
  return 500;
}

/** {@link parameterExample}, or undefined when the spec gives none and the schema implies none. */
export function parameterExampleOrUndefined(param: SpecDocument): string | number | undefined {
  const first = (examples: SpecDocument) => Object.values<SpecDocument>(examples ?? {})[0]?.value;
  const schema = param?.schema ?? {};
  const given = param?.example ?? first(param?.examples) ?? schema.example ?? schema.examples?.[0];
  if (given !== undefined) return given;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.type === "integer" || schema.type === "number") return schema.minimum ?? Math.min(1, schema.maximum ?? 1);
  if (schema.format === "uuid") return "75aab8db-8632-42b4-af2f-06b5820798ef";
  if ((schema.type ?? "string") === "string" && schema.pattern === undefined && schema.format === undefined) {
    return "example".padEnd(schema.minLength ?? 0, "0").slice(0, schema.maxLength ?? 64);
  }
  if ((schema.type ?? "string") === "string" && typeof schema.pattern === "string" && schema.format === undefined) {
    return patternExample(schema.pattern, schema.minLength ?? 0, schema.maxLength ?? 64);
  }
  return undefined;
}

// randexp is CommonJS (`module.exports = RandExp`) while its types describe an ES module's default export.
const RandExp =
  (randexp as unknown as { default?: typeof randexp.default }).default ??
  (randexp as unknown as typeof randexp.default);

/**
 * The shortest string RandExp builds for a pattern (Twilio's `^CA[0-9a-fA-F]{32}$` gives `CA000…`), kept only
 * when it is a usable path segment within the length bounds; deterministic, so a contract test sends the same
 * value on every run. Undefined when the pattern does not compile as the client compiles it (with `u`).
 */
function patternExample(pattern: string, minLength: number, maxLength: number): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
  const generator = new RandExp(regex);
  generator.randInt = (low: number) => low;
  generator.max = Math.max(1, minLength);
  for (const candidate of [generator.gen(), generator.gen().padEnd(minLength, "0")]) {
    const fits = candidate.length >= Math.max(1, minLength) && candidate.length <= maxLength;
    if (fits && regex.test(candidate) && !/^\.{1,2}$|[/?#\\\s]/.test(candidate)) return candidate;
  }
  return undefined;
}
