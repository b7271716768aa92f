import {
  createOperationReader,
  DEFAULT_TIMEOUT_MS,
  type ProviderClientBase,
  type ProviderDescription,
  type ProviderModule,
  ValidationError,
} from "@opwatch/core";

/** What a provider package exports for the facade (`sourcecraft`, `keycard`, `bentley`, `ecl`): its name and
 * description, with its options type as a phantom (the typed openapi-fetch client is not part of it). */
export type { ProviderModule };

/** A registration: a provider module with the options (token, base URL, region, fetch…) its clients are made with. */
export interface ProviderRegistration {
  readonly name: string;
  readonly description: ProviderDescription;
  /** Makes a client; `baseUrl` overrides the registered one for a ref that lives elsewhere. */
  connect(baseUrl?: string): ProviderClientBase;
  /** The clients' per-request timeout in ms. */
  readonly timeoutMs: number;
}

/**
 * Registers one provider with its client options. Only registered providers are bundled: an app that
 * registers SourceCraft alone never imports the other three.
 */
export function register<Options extends object>(
  module: ProviderModule<Options>,
  options: NoInfer<Options>,
): ProviderRegistration {
  if (!module || typeof module.name !== "string" || typeof module.description?.endpoints !== "object") {
    throw new ValidationError("register() takes a provider module such as `sourcecraft` from @opwatch/sourcecraft.");
  }
  // The lean reader: each read sent with fetch directly; openapi-fetch stays out of the poll path and the bundle.
  const connect = (baseUrl?: string) =>
    createOperationReader(
      module.description,
      (baseUrl === undefined ? options : { ...options, baseUrl }) as Parameters<typeof createOperationReader>[1],
    );
  // Validate the options now (token, base URL, region), before anything is polled.
  connect();
  const timeoutMs = (options as { timeoutMs?: number }).timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return { name: module.name, description: module.description, connect, timeoutMs };
}
