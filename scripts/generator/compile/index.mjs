// @ts-check
// `src/generated/provider.ts`: a provider's reading of its spec, compiled to code. Each rule kind of
// `x-opwatch` and of the poll endpoints has its emitter in this folder (see README.md); this module puts
// their output together into the provider's CompiledProvider.

import { Emit, q } from "./emit.mjs";
import { compileFailure } from "./failure.mjs";
import { compileParams } from "./params.mjs";
import { compilePaths } from "./paths.mjs";
import { compileProgress } from "./progress.mjs";
import { compileAnswers, compileRedirects } from "./redirects.mjs";
import { compileRetryDelay } from "./retry-delay.mjs";
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
  const opening = [
    ...compileRedirects(emit, adapter.redirects),
    ...compileAnswers(emit, adapter.answers, adapter.status.header !== undefined),
  ];
  const status = compileStatus(emit, adapter.status);
  const progress = compileProgress(emit, adapter.progress);
  const createdAt = compileTimestamp(emit, adapter.createdAt, "CreatedAt");
  const updatedAt = compileTimestamp(emit, adapter.updatedAt, "UpdatedAt");
  const error = compileFailure(emit, adapter.failure, status);
  const id = `${emit.text("body", adapter.id)} || ${emit.use("fallbackId")}(params)`;
  const retryDelay = compileRetryDelay(emit, adapter.errorBody?.retryDelay);
  emit.use("isTerminal");
  const body = [...opening, ...status.lines].map((line) => `  ${line}`).join("\n");
  const types = ["MatchedPath", "OperationSnapshot", "OperationStatus", "PathParamValue", "ProviderModule"];
  if (body.includes("OperationState") || emit.functions.some((f) => f.includes("OperationState"))) {
    types.push("OperationState");
  }
  return `${header}// ${d.displayName}'s reading of its spec, compiled: path parameters checked, status URLs matched, answers
// normalized. Used by createClient and by the facade's register(); no description is interpreted at run time.
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
import { description } from "./description.js";

const name = ${q(spec.name)};
${emit.constants.length ? `\n${emit.constants.join("\n")}\n` : ""}
${emit.functions.join("\n\n")}

/** Normalizes one read of ${d.displayName}. */
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
}

/** ${d.displayName}, compiled from specs/${spec.name}.yaml: what the facade registers and createClient reads with. */
export const provider: ProviderModule<unknown> = {
  name,
  description,
  baseUrl,
  serverBaseUrls,
  knownBaseUrls: ${JSON.stringify(knownBaseUrlsOf(d.servers))},
  checkParams,
  pathOf,
  matchPath,
  decidedByRule,
  toStatus,${retryDelay ? "\n  retryDelay," : ""}
};
`;
}
