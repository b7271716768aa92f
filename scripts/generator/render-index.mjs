// @ts-check
// The entry of a provider package: typed createClient over @opwatch/core, the status adapter and the
// provider object the facade registers. Everything provider-specific comes from the spec.

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
  const Prefix = typePrefix(spec.name);
  const ops = spec.pollOperations;
  const singleParam = ops.every((op) => op.params.length === 1);
  const variables = Object.entries(d.servers[0]?.variables ?? {});
  const opEntries = ops
    .map(
      (op) => `  ${op.operationId}: {
    params: operations[${q(op.operationId)}]["parameters"]["path"];
    body: operations[${q(op.operationId)}]["responses"][200]["content"][${q(op.accept)}];
  };`,
    )
    .join("\n");
  const variableOptions = variables
    .map(
      ([
        key,
        v,
      ]) => `  /** Server variable \`${key}\`${v.enum ? `: one of ${v.enum.join(", ")}` : ""} (default ${v.default}). Ignored when \`baseUrl\` is set. */
  ${key}?: ${v.enum ? v.enum.map(q).join(" | ") : "string"};`,
    )
    .map((line) => `${line}\n`)
    .join("");
  const variableKeys = variables.map(([key]) => key);
  const paramsType = `${Prefix}PollOperations[Op]["params"]${singleParam ? " | string" : ""}`;

  return `import {
  type ClientOptions as CoreClientOptions,
  createProviderClient,
  type OperationSnapshot,
  type OperationStatus,
  type ProviderClient,
  type ReadOptions,
  toOperationStatus,
} from "@opwatch/core";
import { description } from "./description.js";
import type { components, operations, paths } from "./schema.js";

export { description };
export type { components, operations, paths };

/** The endpoints that read one operation, by operationId: their path parameters and 200 bodies. */
export interface ${Prefix}PollOperations {
${opEntries}
}

export type ${Prefix}OperationName = keyof ${Prefix}PollOperations;

/** Options of {@link createClient}. */
export interface ${Prefix}ClientOptions extends Omit<CoreClientOptions, "variables"> {
${variableOptions}}

/** A typed openapi-fetch client for every ${d.displayName} endpoint, plus \`getOperation\`. */
export interface ${Prefix}Client extends Omit<ProviderClient<paths>, "getOperation"> {
  /**
   * Reads one operation. Ids are validated before any request and sent percent-encoded as one path
   * segment; HTTP errors become typed errors (AuthError, NotFoundError, RateLimitError, …).
   */
  getOperation<Op extends ${Prefix}OperationName = ${q(d.defaultOperation)}>(
    params: ${paramsType},
    options?: ReadOptions<Op>,
  ): Promise<OperationSnapshot<${Prefix}PollOperations[Op]["body"]>>;
}

/** The normalized status of an operation of ${d.displayName}. */
export type ${Prefix}OperationStatus = OperationStatus<${Prefix}PollOperations[${Prefix}OperationName]["body"]>;

/** Creates a client of ${d.displayName}. Throws a ValidationError (before any request) on bad options. */
export function createClient(options: ${Prefix}ClientOptions): ${Prefix}Client {
${
  variableKeys.length
    ? `  const { ${variableKeys.join(", ")}, ...rest } = options ?? ({} as ${Prefix}ClientOptions);
  return createProviderClient<paths>(description, { ...rest, variables: { ${variableKeys.join(", ")} } }) as ${Prefix}Client;`
    : `  return createProviderClient<paths>(description, options) as ${Prefix}Client;`
}
}

/** Normalizes one read (see @opwatch/core's OperationStatus). */
export function toStatus<Op extends ${Prefix}OperationName>(
  snapshot: OperationSnapshot<${Prefix}PollOperations[Op]["body"]>,
  baseUrl: string,
): OperationStatus<${Prefix}PollOperations[Op]["body"]> {
  return toOperationStatus(description, snapshot, baseUrl);
}

/** Register this with the opwatch facade: \`createWatcher({ providers: [${identifier(spec.name)}] })\`. */
export const ${identifier(spec.name)} = {
  name: ${q(spec.name)},
  description,
  createClient,
} as const;
`;
}

/** @param {string} value */
function q(value) {
  return JSON.stringify(value);
}
