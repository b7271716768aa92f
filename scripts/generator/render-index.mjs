// @ts-check
// The entry of a provider package: only what its spec says (its poll endpoints' types and names); the
// generic part (client factory, status reader, option types) is @opwatch/core's provider helper.

/** @param {string} name */
export function identifier(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** @param {string} name */
export function typePrefix(name) {
  const id = identifier(name);
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/** @param {import("./spec.mjs").LoadedSpec} spec */
export function renderIndex(spec) {
  const d = spec.description;
  const P = typePrefix(spec.name);
  const endpointEntries = spec.pollEndpoints
    .map((endpoint) => {
      // One id: the bare value is accepted too (a string, or a number for an integer id).
      const id = endpoint.params.length === 1 ? `, ${q(endpoint.params[0].name)}` : "";
      return `  ${propertyKey(endpoint.operationId)}: PollEndpoint<operations[${q(endpoint.operationId)}], ${q(endpoint.accept)}${id}>;`;
    })
    .join("\n");

  return `import type {
  OperationStatus,
  PollEndpoint,
  ProviderClientOptions,
  ProviderModule,
  StatusReader,
  TypedProviderClient,
} from "@opwatch/core";
import { clientFactory } from "@opwatch/core/internal";
import { description } from "./description.js";
import { provider } from "./provider.js";
import type { components, operations, paths } from "./schema.js";

export { description };
export type { components, operations, paths };

/** The poll endpoints (each reads one operation), by operationId: their path parameters and 200 bodies. */
export type ${P}PollEndpoints = {
${endpointEntries}
};

/** The operationId of a poll endpoint (\`getOperation\`'s \`endpoint\` option, \`OperationRef.endpoint\`). */
export type ${P}EndpointName = keyof ${P}PollEndpoints;
/** Options of {@link createClient}: token, baseUrl, fetch, headers, timeoutMs, and each server variable. */
export type ${P}ClientOptions = ProviderClientOptions<typeof description>;
/** A typed openapi-fetch client for every ${d.displayName} endpoint, plus \`getOperation\`. */
export type ${P}Client = TypedProviderClient<paths, ${P}PollEndpoints, ${q(d.defaultEndpoint)}>;
/** The normalized status of an operation of ${d.displayName}. */
export type ${P}OperationStatus = OperationStatus<${P}PollEndpoints[${P}EndpointName]["body"]>;

/** Creates a client of ${d.displayName}. Throws a ValidationError (before any request) on bad options. */
export const createClient = /* @__PURE__ */ clientFactory<${P}Client, ${P}ClientOptions>(provider);
/** Normalizes one read (see @opwatch/core's OperationStatus). */
export const toStatus = provider.toStatus as StatusReader<${P}PollEndpoints>;

/** Register this with the opwatch facade, \`register(${identifier(spec.name)}, { token })\`: its spec compiled to code, without
 * openapi-fetch (the typed client is {@link createClient}); the options type rides along as a phantom. */
export const ${identifier(spec.name)} = provider as ProviderModule<${P}ClientOptions>;
`;
}

/**
 * A property key for an object type: bare when it is an identifier, quoted otherwise (providers publish
 * operationIds such as `actions/get-workflow-run`). @param {string} name
 */
export function propertyKey(name) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : q(name);
}

/** @param {string} value */
function q(value) {
  return JSON.stringify(value);
}
