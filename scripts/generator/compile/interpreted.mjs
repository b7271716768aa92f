// @ts-check
// The rule kinds this folder does not write out as code yet. A spec that uses one gets its normalizer (and
// its required query parameters' checks) from `@opwatch/core/described`, the run-time reading of its
// description: correct, and paid for by that spec's app only. Each kind leaves this list when its own
// `compile/<kind>.mjs` emits it.

/**
 * What in the normalizer of `adapter` is not compiled yet, as `x-opwatch` paths (empty: all of it is).
 * @param {import("@opwatch/core").AdapterDescription} adapter
 * @returns {string[]}
 */
export function interpretedKinds(adapter) {
  const kinds = [];
  const status = adapter.status;
  if (status.header !== undefined) kinds.push("status.header");
  if (status.default !== undefined) kinds.push("status.default");
  for (const [i, rule] of (status.when ?? []).entries()) {
    if (
      rule.pointer === undefined ||
      rule.entry !== undefined ||
      rule.all !== undefined ||
      rule.failure !== undefined
    ) {
      kinds.push(`status.when.${i} (entry, all or failure)`);
    }
  }
  if (adapter.progress !== undefined && "of" in adapter.progress) kinds.push("progress.of");
  for (const field of /** @type {const} */ (["createdAt", "updatedAt"])) {
    if (typeof adapter[field] === "object") kinds.push(`${field}.epoch`);
  }
  if (Array.isArray(adapter.failure?.message)) kinds.push("failure.message (several pointers)");
  if (adapter.answers !== undefined) kinds.push("answers");
  return kinds;
}

/**
 * The bridged normalizer: `toStatus` and `decidedByRule` read from the description at run time.
 * @param {string[]} kinds what interpretedKinds found
 */
export function interpretedNormalizer(kinds) {
  return `// Not compiled yet (${kinds.join("; ")}): read from the description at run time.
/** Normalizes one read. */
const toStatus = (snapshot: OperationSnapshot, baseUrl: string): OperationStatus =>
  toOperationStatus(description, snapshot, baseUrl);

/** Whether a \`when\` rule decides this body's state (so it needs no status word). */
const decidedByRule = (body: unknown): boolean =>
  (description.adapter.status.when?.length ?? 0) > 0 &&
  stateOf(description.adapter.status, body, undefined).by !== undefined;`;
}

/**
 * `checkQuery` of a provider whose poll endpoints take required query parameters (Azure's `api-version`), or
 * `undefined` when none does.
 * @param {import("@opwatch/core").ProviderDescription["endpoints"]} endpoints
 */
export function interpretedQuery(endpoints) {
  if (!Object.values(endpoints).some((endpoint) => endpoint.queryParams !== undefined)) return undefined;
  return `/** Checks a poll endpoint's required query parameters (each given value, else the spec's default). */
const checkQuery = (endpoint: string, values: Readonly<Record<string, unknown>>): Record<string, PathParamValue> =>
  queryValues(name, description.endpoints[endpoint as keyof typeof description.endpoints], values);`;
}
