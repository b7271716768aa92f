// @ts-check
// Reads one spec and derives what the generated package needs: the provider description (servers,
// auth, poll endpoints, the x-opwatch adapter) in the shape of @opwatch/core's ProviderDescription.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parse } from "yaml";
import { core } from "../lib/workspace.mjs";

const { deref } = core;
/** @type {ReadonlySet<string>} core's one list of states */
const STATES = new Set(core.OPERATION_STATES);

/**
 * @typedef {import("@opwatch/core").ProviderDescription} ProviderDescription
 * @typedef {import("@opwatch/core").PathParamDescription} PathParamDescription
 * @typedef {import("@opwatch/core").ServerDescription} ServerDescription
 * @typedef {import("@opwatch/core").AdapterDescription} AdapterDescription
 * @typedef {{ name: string, file: string, document: any, description: ProviderDescription, pollEndpoints: PollEndpoint[] }} LoadedSpec
 * @typedef {{ operationId: string, path: string, accept: string, params: any[], query: any[], conditional: boolean, security: any, headers: Record<string, string> }} PollEndpoint
 */

/** @param {string} file @returns {Promise<LoadedSpec>} */
export async function loadSpec(file) {
  const name = basename(file, ".yaml");
  if (!/^[a-z][a-z0-9-]*$/.test(name)) fail(file, "spec file names must be lower-case package names (a-z, 0-9, -)");
  const document = parse(await readFile(file, "utf8"), { maxAliasCount: -1 });
  const ext = document["x-opwatch"];
  if (!ext || typeof ext !== "object") fail(file, "missing the top-level x-opwatch extension (see specs/README.md)");

  /** @type {PollEndpoint[]} */
  const pollEndpoints = (ext.poll ?? []).map((/** @type {string} */ id) => findPollEndpoint(file, document, id));
  if (pollEndpoints.length === 0) fail(file, "x-opwatch.poll must name at least one GET endpoint");

  /** @type {ProviderDescription} */
  const description = {
    name,
    displayName: required(file, ext.displayName, "x-opwatch.displayName"),
    servers: (document.servers ?? []).map(toServer),
    auth: toAuth(file, document, pollEndpoints[0].security),
    defaultEndpoint: pollEndpoints[0].operationId,
    endpoints: Object.fromEntries(
      pollEndpoints.map((endpoint) => [
        endpoint.operationId,
        {
          path: endpoint.path,
          accept: endpoint.accept,
          pathParams: endpoint.params.map(toPathParam),
          conditional: endpoint.conditional,
          ...(endpoint.query.length ? { queryParams: endpoint.query.map(toQueryParam) } : {}),
          ...(Object.keys(endpoint.headers).length > 0 ? { headers: endpoint.headers } : {}),
        },
      ]),
    ),
    adapter: toAdapter(file, ext),
  };
  return { name, file, document, description, pollEndpoints };
}

/** @param {string} file @param {any} document @param {string} operationId @returns {PollEndpoint} */
function findPollEndpoint(file, document, operationId) {
  /** @type {[string, any][]} */
  const pathItems = Object.entries(document.paths ?? {});
  for (const [path, item] of pathItems) {
    const get = item.get;
    if (get?.operationId !== operationId) continue;
    // The operation's parameters replace the path item's of the same name and location (OpenAPI 3.1 §4.8.9.1).
    /** @type {Map<string, any>} */
    const byKey = new Map();
    for (const node of [.../** @type {any} */ (item.parameters ?? []), ...(get.parameters ?? [])]) {
      const param = deref(document, node);
      if (param) byKey.set(`${param.in}:${param.name}`, param);
    }
    const params = [...byKey.values()];
    const ok = get.responses?.["200"] ?? get.responses?.["201"];
    const accept = Object.keys(deref(document, ok)?.content ?? {})[0];
    if (!accept) fail(file, `${operationId}: the 200 response has no content type`);
    const conditional =
      params.some((p) => p.in === "header" && p.name.toLowerCase() === "if-none-match") && "304" in get.responses;
    const security = get.security ?? document.security;
    // Required query parameters (Azure's `api-version`) name the operation with its path: kept in refs, sent on every read.
    const query = params.filter((p) => p.in === "query" && p.required === true);
    const headers = requiredHeaders(file, document, operationId, params);
    const pathParams = params.filter((p) => p.in === "path");
    return { operationId, path, accept, params: pathParams, query, conditional, security, headers };
  }
  return fail(file, `x-opwatch.poll names "${operationId}", which is not a GET operationId in paths`);
}

/**
 * The header parameters a poll endpoint requires (Anthropic's `anthropic-version`), each with the one value
 * its schema allows (`const`, a one-value `enum`, or a `default`): sent with every request. A required header
 * with no such value cannot be sent, and says so.
 * @param {string} file @param {any} document @param {string} operationId @param {any[]} params
 * @returns {Record<string, string>}
 */
function requiredHeaders(file, document, operationId, params) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const param of params) {
    if (param.in !== "header" || param.required !== true) continue;
    const name = String(param.name).toLowerCase();
    if (["if-none-match", "accept", "authorization"].includes(name)) continue;
    const schema = deref(document, param.schema) ?? {};
    const value =
      schema.const ?? (Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : schema.default);
    if (value === undefined || value === null || typeof value === "object") {
      fail(
        file,
        `${operationId}: the header parameter ${param.name} is required but its schema names no value to send; give it a \`default\` (or an \`enum\` of one value), such as the API version you wrote the spec for`,
      );
    }
    headers[name] = String(value);
  }
  return headers;
}

/** @param {any} server @returns {ServerDescription} */
function toServer(server) {
  const variables = Object.entries(server.variables ?? {}).map(([key, /** @type {any} */ v]) => [
    key,
    {
      default: v.default,
      ...(v.enum ? { enum: v.enum } : {}),
      // OpenAPI's Server Variable Object has no `pattern`: `x-pattern` / `x-examples` open the variable.
      ...(v["x-pattern"] ? { pattern: v["x-pattern"] } : {}),
      ...(v["x-examples"] ? { examples: v["x-examples"] } : {}),
    },
  ]);
  return {
    url: server.url,
    ...(server.description ? { description: server.description.trim() } : {}),
    ...(variables.length ? { variables: Object.fromEntries(variables) } : {}),
  };
}

/**
 * How the token is sent: the first scheme of the poll endpoint's security (its own, else the top level's)
 * that is an http bearer, an apiKey in a header, or OAuth 2 / OpenID Connect (an access token sent as a bearer).
 * @param {string} file @param {any} document @param {any} security @returns {import("@opwatch/core").AuthDescription}
 */
function toAuth(file, document, security) {
  for (const requirement of Array.isArray(security) ? security : []) {
    for (const schemeName of Object.keys(requirement ?? {})) {
      const scheme = deref(document, document.components?.securitySchemes?.[schemeName]);
      if (scheme?.type === "http" && scheme.scheme?.toLowerCase() === "bearer") return { type: "bearer" };
      if (scheme?.type === "oauth2" || scheme?.type === "openIdConnect") return { type: "bearer" };
      if (scheme?.type === "apiKey" && scheme.in === "header") return { type: "header", name: scheme.name };
    }
  }
  return fail(
    file,
    "the security of the first poll endpoint (or the top level's) must name an http bearer, OAuth 2, OpenID Connect or apiKey-in-header scheme",
  );
}

/** @param {any} param @returns {PathParamDescription} */
function toPathParam(param) {
  const schema = param.schema ?? {};
  const type = schema.type === "integer" || schema.type === "number" ? schema.type : undefined;
  /** @type {Record<string, unknown>} */
  const checks = {};
  for (const key of ["minLength", "maxLength", "pattern", "format", "minimum", "maximum", "enum"]) {
    if (schema[key] !== undefined) checks[key] = schema[key];
  }
  return {
    name: param.name,
    ...(type ? { type } : {}),
    ...checks,
    ...(param["x-opwatch-multi-segment"] === true ? { multiSegment: true } : {}),
  };
}

/**
 * A required query parameter: its schema's checks, and the value sent when a call or ref gives none — the
 * schema's `default`, else its only `enum` value. @param {any} param @returns {import("@opwatch/core").QueryParamDescription}
 */
function toQueryParam(param) {
  const { multiSegment: _, ...checks } = toPathParam(param);
  const schema = param.schema ?? {};
  const only = Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : undefined;
  const fallback = schema.default ?? only;
  return { ...checks, ...(typeof fallback === "string" || typeof fallback === "number" ? { default: fallback } : {}) };
}

/** @param {string} file @param {any} ext @returns {AdapterDescription} */
function toAdapter(file, ext) {
  const status = required(file, ext.status, "x-opwatch.status");
  if (!status.map && !status.when)
    fail(file, "x-opwatch.status needs a map (with a pointer or a header), when rules, or both");
  if (status.default !== undefined && !STATES.has(status.default))
    fail(file, `x-opwatch.status.default: "${status.default}" is not a state`);
  for (const [i, rule] of (status.when ?? []).entries()) {
    if (!STATES.has(rule?.state)) fail(file, `x-opwatch.status.when.${i}.state: "${rule?.state}" is not a state`);
  }
  for (const [word, mapping] of Object.entries(status.map ?? {})) {
    const state = typeof mapping === "string" ? mapping : /** @type {any} */ (mapping)?.state;
    if (!STATES.has(state))
      fail(file, `x-opwatch.status.map.${word}: "${state}" is not one of ${[...STATES].join(", ")}`);
  }
  for (const [code, state] of Object.entries(ext.answers ?? {})) {
    if (!/^[24]\d\d$/.test(code) || UNANSWERED.has(code) || !STATES.has(/** @type {string} */ (state)))
      fail(file, `x-opwatch.answers.${code} is not a 2xx or 4xx (but 401, 403, 404, 407, 429) → state`);
  }
  for (const [code, state] of Object.entries(ext.redirects ?? {})) {
    if (!/^3\d\d$/.test(code) || !STATES.has(/** @type {string} */ (state)))
      fail(file, `x-opwatch.redirects.${code} is not a 3xx → state`);
  }
  if (ext.progress && ext.progress.of === undefined && !(ext.progress.scale > 0))
    fail(file, "x-opwatch.progress needs a positive scale, or `of`: a pointer to the total");
  const pick = (/** @type {any} */ object, /** @type {string[]} */ keys) =>
    Object.fromEntries(keys.filter((key) => object?.[key] !== undefined).map((key) => [key, object[key]]));
  return {
    ...(ext.id === undefined ? {} : { id: ext.id }),
    status: {
      ...(status.pointer !== undefined ? { pointer: status.pointer } : {}),
      ...(status.header !== undefined ? { header: status.header.toLowerCase() } : {}),
      ...(status.map ? { map: status.map } : {}),
      ...(status.default !== undefined ? { default: status.default } : {}),
      ...(status.when ? { when: status.when } : {}),
    },
    ...pick(ext, [
      "progress",
      "createdAt",
      "updatedAt",
      "failure",
      "redirects",
      "answers",
      "errorBody",
      "rateLimit",
      "resultUrl",
    ]),
  };
}

/** Statuses an `answers` entry may not map: they mean auth, a wrong URL or pushback, whatever the body says. */
const UNANSWERED = new Set(["401", "403", "404", "407", "429"]);

/** @template T @param {string} file @param {T} value @param {string} what @returns {NonNullable<T>} */
function required(file, value, what) {
  if (value === undefined || value === null) fail(file, `missing ${what}`);
  return /** @type {NonNullable<T>} */ (value);
}

/** @param {string} file @param {string} message @returns {never} */
function fail(file, message) {
  throw new Error(`${basename(file)}: ${message}`);
}
