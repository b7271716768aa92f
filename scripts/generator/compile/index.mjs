// @ts-check
// `src/generated/provider.ts`: a provider's reading of its spec, compiled to code. Each rule kind of
// `x-opwatch` and of the poll endpoints has its emitter in this folder (see README.md); this module puts
// their output together into the provider's CompiledProvider.

import { compileBodyReaders } from "./body-readers.mjs";
import { Emit, q } from "./emit.mjs";
import { compileFailure } from "./failure.mjs";
import { compileParams } from "./params.mjs";
import { compilePaths } from "./paths.mjs";
import { compileProgress } from "./progress.mjs";
import { compileAnswers, compileMappedAnswers, compileRedirects, compileSegmentFiller } from "./redirects.mjs";
import { compileResultUrl } from "./result-url.mjs";
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
  const status = compileStatus(emit, adapter.status, adapter.answers);
  const progress = compileProgress(emit, adapter.progress);
  const createdAt = compileTimestamp(emit, adapter.createdAt, "CreatedAt");
  const updatedAt = compileTimestamp(emit, adapter.updatedAt, "UpdatedAt");
  const error = compileFailure(emit, adapter.failure, status);
  // Without an id in the body (fal's queue status), the last path parameter names the operation.
  const fallback = `${emit.use("fallbackId")}(params)`;
  const id = adapter.id === undefined ? fallback : `${emit.text("body", adapter.id)} || ${fallback}`;
  const resultUrl = compileResultUrl(emit, adapter.resultUrl);
  const retryDelay = compileRetryDelay(emit, adapter.errorBody?.retryDelay);
  const bodyReaders = compileBodyReaders(emit, adapter);
  const answers = [
    ...compileMappedAnswers(emit, adapter),
    ...compileSegmentFiller(emit, d.endpoints),
    // HTTP Basic's encoding only in the apps of a spec that uses it.
    ...(d.auth.type === "basic" ? [`basicAuth: ${emit.use("basicHeader")}`] : []),
  ];
  emit.use("isTerminal");
  const body = [...opening, ...status.lines].map((line) => `  ${line}`).join("\n");
  const types = [
    "MatchedPath",
    "OperationSnapshot",
    "OperationStatus",
    "PathParamValue",
    "ProviderModule",
    "ReadDescription",
  ];
  if (bodyReaders.includes("errorFields")) types.push("ErrorBodyFields");
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

const name = ${q(spec.name)};

/** What the read path needs of the spec's description (the whole one is the package's \`description\` export). */
const description = ${JSON.stringify(readDescriptionOf(d), null, 2)} as const satisfies ReadDescription;
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
    resultUrl: ${resultUrl},
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
  decidedByRule,${bodyReaders.map((name) => `\n  ${name},`).join("")}
  toStatus,${retryDelay ? "\n  retryDelay," : ""}${answers.map((line) => `\n  ${line},`).join("")}
};
`;
}

/**
 * The part of a description the read path reads at run time (core's ReadDescription): auth, the poll
 * endpoints' Accept, headers and parameter names, the redirects it maps, the request-id header and the
 * rate-limit meaning. The rest is code (`missingStatus`, `errorFields`, `stateInAnswer`, …).
 * @param {any} d
 */
function readDescriptionOf(d) {
  const endpoints = Object.fromEntries(
    Object.entries(d.endpoints).map(([id, /** @type {any} */ endpoint]) => [
      id,
      {
        path: endpoint.path,
        accept: endpoint.accept,
        pathParams: endpoint.pathParams.map((/** @type {any} */ p) =>
          p.multiSegment ? { name: p.name, multiSegment: true } : { name: p.name },
        ),
        conditional: endpoint.conditional,
        ...(endpoint.headers ? { headers: endpoint.headers } : {}),
        ...(endpoint.queryParams
          ? { queryParams: endpoint.queryParams.map((/** @type {any} */ p) => ({ name: p.name })) }
          : {}),
      },
    ]),
  );
  const a = d.adapter;
  /** @type {Record<string, unknown>} */
  const adapter = {};
  if (a.redirects) adapter.redirects = a.redirects;
  if (a.errorBody?.requestIdHeader) adapter.errorBody = { requestIdHeader: a.errorBody.requestIdHeader };
  if (a.rateLimit) adapter.rateLimit = a.rateLimit;
  return {
    name: d.name,
    displayName: d.displayName,
    auth: d.auth,
    defaultEndpoint: d.defaultEndpoint,
    endpoints,
    adapter,
  };
}
