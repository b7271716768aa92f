// The four providers as a table, so every property and cross-origin test runs for each of them.
import { bentley, description as bentleyDescription, createClient as createBentley } from "@opwatch/bentley";
import type { ClientOptions, ProviderClientBase, ProviderDescription } from "@opwatch/core";
import { createClient as createEcl, ecl, description as eclDescription } from "@opwatch/ecl";
import { createClient as createKeycard, keycard, description as keycardDescription } from "@opwatch/keycard";
import {
  createClient as createSourcecraft,
  sourcecraft,
  description as sourcecraftDescription,
} from "@opwatch/sourcecraft";
import { examplesOf } from "@opwatch/testkit";

export interface ProviderCase {
  name: string;
  description: ProviderDescription;
  /** The provider module, for the facade's `register(module, options)`. */
  // biome-ignore lint/suspicious/noExplicitAny: each module has its own options type.
  module: any;
  createClient(options: ClientOptions): ProviderClientBase;
  /** The spec's 200 examples of the default poll endpoint. */
  examples: unknown[];
  /** Path parameters `getOperation` accepts. */
  validParams: Record<string, string>;
}

const UUID = "75aab8db-8632-42b4-af2f-06b5820798ef";

function validParamsOf(description: ProviderDescription): Record<string, string> {
  const endpoint = description.endpoints[description.defaultEndpoint];
  if (!endpoint) throw new Error(`${description.name}: no default operation`);
  return Object.fromEntries(endpoint.pathParams.map((p) => [p.name, p.format === "uuid" ? UUID : `id-${p.name}`]));
}

function row(
  module: { name: string },
  description: ProviderDescription,
  createClient: (options: never) => unknown,
): ProviderCase {
  return {
    name: module.name,
    description,
    module,
    createClient: createClient as unknown as ProviderCase["createClient"],
    examples: Object.values(examplesOf(module.name, description.defaultEndpoint, "200")),
    validParams: validParamsOf(description),
  };
}

export const providers: readonly ProviderCase[] = [
  row(sourcecraft, sourcecraftDescription, createSourcecraft),
  row(keycard, keycardDescription, createKeycard),
  row(bentley, bentleyDescription, createBentley),
  row(ecl, eclDescription, createEcl),
];
