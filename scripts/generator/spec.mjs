// @ts-check
// Reads one spec and derives what the generated package needs: the provider description (servers,
// auth, poll endpoints, the x-opwatch adapter) in the shape of @opwatch/core's ProviderDescription.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parse } from "yaml";
import { deref } from "../lib/openapi-ref.mjs";

const STATES = new Set(["queued", "running", "succeeded", "failed", "canceled", "unknown"]);

/**
 * @typedef {{ name: string, file: string, document: any, description: any, pollOperations: PollOperation[] }} LoadedSpec
 * @typedef {{ operationId: string, path: string, accept: string, params: any[], conditional: boolean }} PollOperation
 */

/** @param {string} file @returns {Promise<LoadedSpec>} */
export async function loadSpec(file) {
  const name = basename(file, ".yaml");
  if (!/^[a-z][a-z0-9-]*$/.test(name)) fail(file, "spec file names must be lower-case package names (a-z, 0-9, -)");
  const document = parse(await readFile(file, "utf8"));
  const ext = document["x-opwatch"];
  if (!ext || typeof ext !== "object") fail(file, "missing the top-level x-opwatch extension (see specs/README.md)");

  const pollOperations = (ext.poll ?? []).map((/** @type {string} */ id) => findPollOperation(file, document, id));
  if (pollOperations.length === 0) fail(file, "x-opwatch.poll must name at least one GET operation");

  const description = {
    name,
    displayName: required(file, ext.displayName, "x-opwatch.displayName"),
    servers: (document.servers ?? []).map(toServer),
    auth: toAuth(file, document),
    defaultOperation: pollOperations[0].operationId,
    operations: Object.fromEntries(
      pollOperations.map((op) => [
        op.operationId,
        { path: op.path, accept: op.accept, pathParams: op.params.map(toPathParam), conditional: op.conditional },
      ]),
    ),
    adapter: toAdapter(file, ext),
  };
  return { name, file, document, description, pollOperations };
}

/** @param {string} file @param {any} document @param {string} operationId @returns {PollOperation} */
function findPollOperation(file, document, operationId) {
  /** @type {[string, any][]} */
  const pathItems = Object.entries(document.paths ?? {});
  for (const [path, item] of pathItems) {
    const get = item.get;
    if (get?.operationId !== operationId) continue;
    const params = [.../** @type {any} */ (item.parameters ?? []), ...(get.parameters ?? [])].map((p) =>
      deref(document, p),
    );
    const ok = get.responses?.["200"] ?? get.responses?.["201"];
    const accept = Object.keys(deref(document, ok)?.content ?? {})[0];
    if (!accept) fail(file, `${operationId}: the 200 response has no content type`);
    const conditional =
      params.some((p) => p.in === "header" && p.name.toLowerCase() === "if-none-match") && "304" in get.responses;
    return { operationId, path, accept, params: params.filter((p) => p.in === "path"), conditional };
  }
  return fail(file, `x-opwatch.poll names "${operationId}", which is not a GET operationId in paths`);
}

/** @param {any} server */
function toServer(server) {
  return {
    url: server.url,
    ...(server.description ? { description: server.description.trim() } : {}),
    ...(server.variables
      ? {
          variables: Object.fromEntries(
            Object.entries(server.variables).map(([key, v]) => [
              key,
              {
                default: /** @type {any} */ (v).default,
                .../** @type {any} */ (v.enum ? { enum: /** @type {any} */ (v).enum } : {}),
              },
            ]),
          ),
        }
      : {}),
  };
}

/** @param {string} file @param {any} document */
function toAuth(file, document) {
  const [first] = document.security ?? [];
  const schemeName = first && Object.keys(first)[0];
  const scheme = schemeName && document.components?.securitySchemes?.[schemeName];
  if (scheme?.type === "http" && scheme.scheme?.toLowerCase() === "bearer") return { type: "bearer" };
  if (scheme?.type === "apiKey" && scheme.in === "header") return { type: "header", name: scheme.name };
  return fail(file, "top-level security must name an http bearer or an apiKey-in-header scheme");
}

/** @param {any} param */
function toPathParam(param) {
  const schema = param.schema ?? {};
  return {
    name: param.name,
    ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
    ...(schema.pattern !== undefined ? { pattern: schema.pattern } : {}),
    ...(schema.format !== undefined ? { format: schema.format } : {}),
  };
}

/** @param {string} file @param {any} ext */
function toAdapter(file, ext) {
  const status = required(file, ext.status, "x-opwatch.status");
  for (const [word, mapping] of Object.entries(required(file, status.map, "x-opwatch.status.map"))) {
    const state = typeof mapping === "string" ? mapping : /** @type {any} */ (mapping)?.state;
    if (!STATES.has(state))
      fail(file, `x-opwatch.status.map.${word}: "${state}" is not one of ${[...STATES].join(", ")}`);
  }
  for (const [code, state] of Object.entries(ext.redirects ?? {})) {
    if (!/^3\d\d$/.test(code) || !STATES.has(/** @type {string} */ (state)))
      fail(file, `x-opwatch.redirects.${code} is not a 3xx → state`);
  }
  if (ext.progress && !(ext.progress.scale > 0)) fail(file, "x-opwatch.progress.scale must be a positive number");
  const pick = (/** @type {any} */ object, /** @type {string[]} */ keys) =>
    Object.fromEntries(keys.filter((key) => object?.[key] !== undefined).map((key) => [key, object[key]]));
  return {
    id: required(file, ext.id, "x-opwatch.id"),
    status: { pointer: required(file, status.pointer, "x-opwatch.status.pointer"), map: status.map },
    ...pick(ext, ["progress", "createdAt", "updatedAt", "failure", "redirects", "errorBody"]),
  };
}

/** @template T @param {string} file @param {T} value @param {string} what @returns {NonNullable<T>} */
function required(file, value, what) {
  if (value === undefined || value === null) fail(file, `missing ${what}`);
  return /** @type {NonNullable<T>} */ (value);
}

/** @param {string} file @param {string} message @returns {never} */
function fail(file, message) {
  throw new Error(`${basename(file)}: ${message}`);
}
