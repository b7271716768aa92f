// @ts-check
// `src/generated/provider.ts`: a provider's reading of its spec, compiled to code. Each rule kind of
// `x-opwatch` and of the poll endpoints has its emitter in this folder (see README.md); this module puts
// their output together into the provider's CompiledProvider.

import { Emit, q } from "./emit.mjs";
import { compileFailure } from "./failure.mjs";
import { interpretedKinds, interpretedNormalizer, interpretedQuery } from "./interpreted.mjs";
import { compileParams } from "./params.mjs";
import { compilePaths } from "./paths.mjs";
import { compileProgress } from "./progress.mjs";
import { compileRedirects } from "./redirects.mjs";
import { compileServers, knownBaseUrlsOf } from "./servers.mjs";
import { compileStatus } from "./status.mjs";
import { compileTimestamp } from "./timestamps.mjs";

/** @param {import("../spec.mjs").LoadedSpec} spec @param {string} header */
export function renderProvider(spec, header) {
  const d = spec.description;
  const adapter = d.adapter;
  const emit = new Emit();
  compileServers(emit, d.servers);
  compileParams(emit, d.endpoints);
  compilePaths(emit, d.endpoints);
  const kinds = interpretedKinds(adapter);
  const query = interpretedQuery(d.endpoints);
  /** @type {string[]} from @opwatch/core/described: the bridge for what is not compiled yet */
  const described = [];
  if (query !== undefined) described.push("queryValues");
  let normalizer;
  if (kinds.length > 0) {
    described.push("stateOf", "toOperationStatus");
    normalizer = interpretedNormalizer(kinds);
  } else {
    normalizer = compiledNormalizer(emit, d);
  }
  const types = ["MatchedPath", "OperationSnapshot", "OperationStatus", "PathParamValue", "ProviderModule"];
  if (normalizer.includes("OperationState") || emit.functions.some((f) => f.includes("OperationState"))) {
    types.push("OperationState");
  }
  return `${header}// ${d.displayName}'s reading of its spec, compiled: path parameters checked, status URLs matched, answers
// normalized. Used by createClient and by the facade's register()${kinds.length ? "" : "; no description is interpreted at run time"}.
import type {
${types
  .sort()
  .map((name) => `  ${name},`)
  .join("\n")}
} from "@opwatch/core";
import {
${[...emit.helpers]
  .sort()
  .map((name) => `  ${name},`)
  .join("\n")}
} from "@opwatch/core/internal";
${described.length ? `import { ${described.sort().join(", ")} } from "@opwatch/core/described";\n` : ""}import { description } from "./description.js";

const name = ${q(spec.name)};
${emit.constants.length ? `\n${emit.constants.join("\n")}\n` : ""}
${emit.functions.join("\n\n")}

${normalizer}
${query === undefined ? "" : `\n${query}\n`}
/** ${d.displayName}, compiled from specs/${spec.name}.yaml: what the facade registers and createClient reads with. */
export const provider: ProviderModule<unknown> = {
  name,
  description,
  baseUrl,
  serverBaseUrls,
  knownBaseUrls: ${JSON.stringify(knownBaseUrlsOf(d.servers))},
  checkParams,
  ${query === undefined ? "" : "checkQuery,\n  "}pathOf,
  matchPath,
  decidedByRule,
  toStatus,
};
`;
}

/**
 * The compiled normalizer: `toStatus` (and the rule kinds' functions it calls, added to `emit`).
 * @param {Emit} emit @param {import("@opwatch/core").ProviderDescription} d
 */
function compiledNormalizer(emit, d) {
  const adapter = d.adapter;
  const opening = compileRedirects(emit, adapter.redirects);
  const status = compileStatus(emit, adapter.status);
  const progress = compileProgress(emit, adapter.progress);
  // Text timestamps only here: an epoch field is one of the interpreted kinds (interpreted.mjs).
  const createdAt = compileTimestamp(emit, /** @type {string | undefined} */ (adapter.createdAt), "CreatedAt");
  const updatedAt = compileTimestamp(emit, /** @type {string | undefined} */ (adapter.updatedAt), "UpdatedAt");
  const error = compileFailure(emit, adapter.failure, status);
  const id = `${emit.text("body", adapter.id)} || ${emit.use("fallbackId")}(params)`;
  emit.use("isTerminal");
  const body = [...opening, ...status.lines].map((line) => `  ${line}`).join("\n");
  return `/** Normalizes one read of ${d.displayName}. */
function toStatus(snapshot: OperationSnapshot, baseUrl: string): OperationStatus {
  const { body, params } = snapshot;
${body}
  return {
    provider: name,
    id: ${id},
    ref: { provider: name, endpoint: snapshot.endpoint, params, baseUrl },
    state,
    done: isTerminal(state),
    rawStatus,
    progress: ${progress},
    createdAt: ${createdAt},
    updatedAt: ${updatedAt},
    error:
      ${error},
    resultUrl: undefined,
    raw: body,
  };
}`;
}
