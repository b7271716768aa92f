// @ts-check
// `src/generated/description.ts`: the provider description (core's ProviderDescription) as a typed constant.

/** @param {import("./spec.mjs").LoadedSpec} spec @param {string} header */
export function renderDescription(spec, header) {
  return `${header}import type { ProviderDescription } from "@opwatch/core";

/** What the client and the poller know about ${spec.description.displayName}, read from its spec. */
export const description = ${JSON.stringify(spec.description, null, 2)} as const satisfies ProviderDescription;
`;
}
