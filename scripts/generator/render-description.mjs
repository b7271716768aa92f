// @ts-check
// `src/generated/description.ts`: the provider description (core's ProviderDescription) as a typed constant.
// It ships in every app bundle, so it holds what the runtime reads: the servers' and server variables' prose
// descriptions stay in the spec and the README.

/** @param {import("./spec.mjs").LoadedSpec} spec @param {string} header */
export function renderDescription(spec, header) {
  const description = { ...spec.description, servers: spec.description.servers.map(withoutProse) };
  return `${header}import type { ProviderDescription } from "@opwatch/core";

/** What the client and the poller know about ${spec.description.displayName}, read from its spec. */
export const description = ${JSON.stringify(description, null, 2)} as const satisfies ProviderDescription;
`;
}

/** A server without its prose: its variables keep default, enum, pattern and examples. @param {any} server */
function withoutProse({ description: _, variables, ...server }) {
  if (variables === undefined) return server;
  const kept = Object.fromEntries(
    Object.entries(variables).map(([name, { description: __, ...variable }]) => [name, variable]),
  );
  return { ...server, variables: kept };
}
