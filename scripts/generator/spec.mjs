// @ts-check
// Reads one spec and derives what the generated package needs: the provider description (servers,
// auth, poll endpoints, the x-opwatch adapter) in the shape of @opwatch/core's ProviderDescription.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";
import { core } from "../lib/workspace.mjs";
import { escapeToken } from "../spec-lint/poll-scope.mjs";

const { deref } = core;
/** @type {ReadonlySet<string>} core's one list of states */
const STATES = new Set(core.OPERATION_STATES);

/**
 * @typedef {import("@opwatch/core").ProviderDescription} ProviderDescription
 * @typedef {import("@opwatch/core").PathParamDescription} PathParamDescription
 * @typedef {import("@opwatch/core").ServerDescription} ServerDescription
 * @typedef {import("@opwatch/core").AdapterDescription} AdapterDescription
 * @typedef {{ name: string, file: string, document: any, description: ProviderDescription, pollEndpoints: PollEndpoint[] }} LoadedSpec
 * @typedef {{ operationId: string, path: string, accept: string, params: any[], query: any[], conditional: boolean, security: any, securityAt: string, headers: Record<string, string> }} PollEndpoint
 */

/** @param {string} file @returns {Promise<LoadedSpec>} */
export async function loadSpec(file) {
  const name = basename(file, ".yaml");
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    fail(file, "", "spec file names must be lower-case package names (a-z, 0-9, -): rename the file");
  const document = await readDocument(file);
  const ext = document["x-opwatch"];
  if (!ext || typeof ext !== "object" || Array.isArray(ext))
    fail(file, "#/x-opwatch", "missing the top-level x-opwatch extension: add one (see specs/README.md)");
  if (
    !Array.isArray(ext.poll) ||
    ext.poll.length === 0 ||
    !ext.poll.every((/** @type {unknown} */ id) => typeof id === "string")
  )
    fail(file, "#/x-opwatch/poll", "must list the operationIds of the GET endpoints that read one operation");

  /** @type {PollEndpoint[]} */
  const pollEndpoints = ext.poll.map((/** @type {string} */ id, /** @type {number} */ i) =>
    findPollEndpoint(file, document, id, i),
  );

  /** @type {ProviderDescription} */
  const description = {
    name,
    displayName: required(file, ext.displayName, "displayName"),
    servers: absoluteServers(toServers(file, document.servers)),
    auth: toAuth(file, document, pollEndpoints[0].security, pollEndpoints[0].securityAt),
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

/** @param {string} file @param {any} document @param {string} operationId @param {number} index @returns {PollEndpoint} */
function findPollEndpoint(file, document, operationId, index) {
  /** @type {[string, any][]} */
  const pathItems = Object.entries(isObject(document.paths) ? document.paths : {});
  for (const [path, item] of pathItems) {
    const get = isObject(item) && isObject(item.get) ? item.get : undefined;
    if (get?.operationId !== operationId) continue;
    const at = `#/paths/${escapeToken(path)}/get`;
    for (const [where, list] of [
      [`#/paths/${escapeToken(path)}/parameters`, item.parameters],
      [`${at}/parameters`, get.parameters],
    ]) {
      if (list !== undefined && !Array.isArray(list)) fail(file, where, "must be a list of Parameter Objects");
    }
    if (!isObject(get.responses)) fail(file, `${at}/responses`, "must map HTTP status codes to responses");
    // The operation's parameters replace the path item's of the same name and location (OpenAPI 3.1 §4.8.9.1).
    /** @type {Map<string, any>} */
    const byKey = new Map();
    for (const node of [.../** @type {any} */ (item.parameters ?? []), ...(get.parameters ?? [])]) {
      const param = deref(document, node);
      if (isObject(param) && typeof param.name === "string") byKey.set(`${param.in}:${param.name}`, param);
    }
    const params = [...byKey.values()];
    const ok = get.responses?.["200"] ?? get.responses?.["201"];
    const content = deref(document, ok)?.content;
    const accept = isObject(content) ? Object.keys(content)[0] : undefined;
    if (!accept)
      fail(
        file,
        `${at}/responses/200`,
        "the poll endpoint's 200 response has no content: add its media type and schema",
      );
    const conditional =
      params.some((p) => p.in === "header" && p.name.toLowerCase() === "if-none-match") && "304" in get.responses;
    const security = get.security ?? document.security;
    const securityAt = get.security === undefined ? "#/security" : `${at}/security`;
    // Required query parameters (Azure's `api-version`) name the operation with its path: kept in refs, sent on every read.
    const query = params.filter((p) => p.in === "query" && p.required === true);
    const headers = requiredHeaders(file, document, at, params);
    const pathParams = params.filter((p) => p.in === "path");
    return { operationId, path, accept, params: pathParams, query, conditional, security, securityAt, headers };
  }
  return fail(
    file,
    `#/x-opwatch/poll/${index}`,
    `"${operationId}" is not the operationId of a GET in paths: name a GET endpoint, spelled as the spec spells it`,
  );
}

/**
 * The header parameters a poll endpoint requires (Anthropic's `anthropic-version`), each with the one value
 * its schema allows (`const`, a one-value `enum`, or a `default`): sent with every request. A required header
 * with no such value cannot be sent, and says so.
 * @param {string} file @param {any} document @param {string} at the operation's pointer @param {any[]} params
 * @returns {Record<string, string>}
 */
function requiredHeaders(file, document, at, params) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const param of params) {
    if (param.in !== "header" || param.required !== true) continue;
    const name = String(param.name).toLowerCase();
    if (["if-none-match", "accept", "authorization"].includes(name)) continue;
    const schema = (isObject(param.schema) ? deref(document, param.schema) : undefined) ?? {};
    const value =
      schema.const ?? (Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : schema.default);
    if (value === undefined || value === null || typeof value === "object") {
      fail(
        file,
        `${at}/parameters`,
        `the header parameter ${param.name} is required but its schema names no value to send; give it a \`default\` (or an \`enum\` of one value), such as the API version you wrote the spec for`,
      );
    }
    headers[name] = String(value);
  }
  return headers;
}

/** @param {string} file @param {unknown} servers @returns {ServerDescription[]} */
function toServers(file, servers) {
  if (servers === undefined) return [];
  if (!Array.isArray(servers)) fail(file, "#/servers", "must be a list of Server Objects");
  return servers.map((server, i) => {
    const at = `#/servers/${i}`;
    if (!isObject(server) || typeof server.url !== "string")
      fail(file, at, "must be a Server Object with a `url` string");
    if (server.description !== undefined && typeof server.description !== "string")
      fail(file, `${at}/description`, "must be a string");
    if (server.variables !== undefined && !isObject(server.variables))
      fail(file, `${at}/variables`, "must map variable names to Server Variable Objects");
    for (const [name, variable] of Object.entries(server.variables ?? {})) {
      const where = `${at}/variables/${escapeToken(name)}`;
      if (!isObject(variable) || typeof variable.default !== "string")
        fail(file, where, "must be a Server Variable Object with a `default` string");
      if (variable.enum !== undefined && !Array.isArray(variable.enum))
        fail(file, `${where}/enum`, "must be a list of strings");
    }
    return toServer(server);
  });
}

/**
 * The servers a client can send to: a relative URL (`/api/v1`) is relative to wherever the spec is served, so
 * it names no host; without an absolute one, every client needs the baseUrl option. @param {ServerDescription[]} servers
 */
const absoluteServers = (servers) =>
  servers.filter((server) => /^(?:[A-Za-z][A-Za-z0-9+.-]*|\{[^}]+\}):\/\//.test(server.url));

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
 * that is an http bearer or basic, an apiKey in a header, or OAuth 2 / OpenID Connect (an access token sent as a bearer).
 * @param {string} file @param {any} document @param {any} security @param {string} at where it is written
 * @returns {import("@opwatch/core").AuthDescription}
 */
function toAuth(file, document, security, at) {
  for (const requirement of Array.isArray(security) ? security : []) {
    for (const schemeName of Object.keys(isObject(requirement) ? requirement : {})) {
      const scheme = deref(document, document.components?.securitySchemes?.[schemeName]);
      if (scheme?.type === "http" && String(scheme.scheme).toLowerCase() === "bearer") return { type: "bearer" };
      if (scheme?.type === "http" && String(scheme.scheme).toLowerCase() === "basic") return { type: "basic" };
      if (scheme?.type === "oauth2" || scheme?.type === "openIdConnect") return { type: "bearer" };
      if (scheme?.type === "apiKey" && scheme.in === "header" && typeof scheme.name === "string")
        return { type: "header", name: scheme.name };
    }
  }
  const named = Array.isArray(security)
    ? security.flatMap((requirement) => Object.keys(isObject(requirement) ? requirement : {}))
    : [];
  return fail(
    file,
    at,
    `the security of the first poll endpoint (its own, else the top level's) names ${named.length ? `only ${named.join(", ")}, none of them` : "no scheme, and needs"} an http bearer or basic, OAuth 2, OpenID Connect or apiKey-in-header scheme in #/components/securitySchemes: add one the API accepts (query or cookie API keys are not supported)`,
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
  const status = required(file, ext.status, "status");
  const states = [...STATES].join(", ");
  if (!isObject(status) || (!status.map && !status.when))
    fail(file, "#/x-opwatch/status", "needs a map (with a pointer or a header), when rules, or both");
  if (status.default !== undefined && !STATES.has(status.default))
    fail(file, "#/x-opwatch/status/default", `"${status.default}" is not one of ${states}`);
  if (status.when !== undefined && !Array.isArray(status.when))
    fail(file, "#/x-opwatch/status/when", "must be a list of rules");
  for (const [i, rule] of (status.when ?? []).entries()) {
    if (!STATES.has(rule?.state))
      fail(file, `#/x-opwatch/status/when/${i}/state`, `"${rule?.state}" is not one of ${states}`);
  }
  for (const [word, mapping] of Object.entries(isObject(status.map) ? status.map : {})) {
    const state = typeof mapping === "string" ? mapping : /** @type {any} */ (mapping)?.state;
    if (!STATES.has(state))
      fail(file, `#/x-opwatch/status/map/${escapeToken(word)}`, `"${state}" is not one of ${states}`);
  }
  for (const [code, state] of Object.entries(isObject(ext.answers) ? ext.answers : {})) {
    if (!/^[24]\d\d$/.test(code) || UNANSWERED.has(code) || !STATES.has(/** @type {string} */ (state)))
      fail(
        file,
        `#/x-opwatch/answers/${escapeToken(code)}`,
        "must map a 2xx status, or a 4xx other than 401, 403, 404, 407 and 429, to a state",
      );
  }
  for (const [code, state] of Object.entries(isObject(ext.redirects) ? ext.redirects : {})) {
    if (!/^3\d\d$/.test(code) || !STATES.has(/** @type {string} */ (state)))
      fail(file, `#/x-opwatch/redirects/${escapeToken(code)}`, "must map a 3xx status to a state");
  }
  if (ext.progress && ext.progress.of === undefined && !(ext.progress.scale > 0))
    fail(file, "#/x-opwatch/progress", "needs a positive scale, or `of`: a pointer to the total");
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

/** @template T @param {string} file @param {T} value @param {string} key an x-opwatch key @returns {NonNullable<T>} */
function required(file, value, key) {
  if (value === undefined || value === null)
    fail(file, `#/x-opwatch/${key}`, "is missing: add it (see specs/README.md)");
  return /** @type {NonNullable<T>} */ (value);
}

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A spec the generator cannot turn into a package: `message` names the file and the JSON pointer (RFC 6901,
 * as a URI fragment) of what to change, and says what to do.
 */
export class SpecError extends Error {
  /** @param {string} file @param {string} pointer @param {string} problem */
  constructor(file, pointer, problem) {
    super(`${basename(file)}${pointer}: ${problem}`);
    this.name = "SpecError";
    this.file = file;
    this.pointer = pointer;
    this.problem = problem;
  }
}

/** @param {string} file @param {string} pointer @param {string} message @returns {never} */
function fail(file, pointer, message) {
  throw new SpecError(file, pointer, message);
}

/**
 * The spec as an object: YAML or JSON (a byte-order mark and CRLF line ends are fine), else a SpecError
 * saying where it stops parsing. A Swagger 2.0 file, or one with a `$ref` into another file, is refused
 * with what to run to make it one self-contained OpenAPI 3 file.
 * @param {string} file @returns {Promise<any>}
 */
export async function readDocument(file) {
  /** @type {any} */
  let document;
  try {
    // js-yaml reads a 3 MB spec about ten times faster than `yaml`. Its core schema is YAML 1.2's (dates stay
    // strings, `yes` is a string), and `json` lets a later duplicate key win, as JSON.parse does.
    document = load(await readFile(file, "utf8"), { schema: CORE_SCHEMA, json: true, filename: basename(file) });
  } catch (error) {
    const mark = /** @type {any} */ (error)?.mark;
    const reason = /** @type {any} */ (error)?.reason ?? String(/** @type {any} */ (error)?.message ?? error);
    const where = mark ? ` (line ${mark.line + 1}, column ${mark.column + 1})` : "";
    fail(file, "", `cannot be read as YAML or JSON${where}: ${reason.split("\n")[0]}; fix the file there`);
  }
  if (!isObject(document)) fail(file, "", "is not an OpenAPI document: its top level is not a mapping");
  if (document.swagger !== undefined) {
    fail(
      file,
      "#/swagger",
      `is a Swagger ${document.swagger} document; opwatch reads OpenAPI 3.0 and 3.1: convert it first (\`npx swagger2openapi ${basename(file)} --yaml --outfile ${basename(file)}\`), then add x-opwatch`,
    );
  }
  if (typeof document.openapi !== "string" || !/^3\.[01]\./.test(document.openapi)) {
    fail(
      file,
      "#/openapi",
      `must be an OpenAPI version 3.0.x or 3.1.x, got ${JSON.stringify(document.openapi ?? null)}`,
    );
  }
  const external = externalRef(document);
  if (external) {
    fail(
      file,
      external.at,
      `is a $ref into another file (${external.ref}); opwatch reads one self-contained file per provider: bundle the spec first (\`pnpm exec redocly bundle <the spec's entry file> --output specs/${basename(file)}\`)`,
    );
  }
  return document;
}

/** The first `$ref` that leaves the document, with its pointer. @param {any} document */
function externalRef(document) {
  /** @type {[any, string][]} */
  const stack = [[document, "#"]];
  // A YAML alias is the same object again: visited once (nested aliases would otherwise multiply the walk).
  const seen = new Set();
  while (stack.length > 0) {
    const [node, at] = /** @type {[any, string]} */ (stack.pop());
    if (seen.has(node)) continue;
    seen.add(node);
    if (typeof node?.$ref === "string" && !node.$ref.startsWith("#")) return { at: `${at}/$ref`, ref: node.$ref };
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === "object") stack.push([value, `${at}/${escapeToken(key)}`]);
    }
  }
  return undefined;
}
