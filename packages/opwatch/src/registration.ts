import {
  type CompiledProvider,
  createOperationReader,
  DEFAULT_TIMEOUT_MS,
  type ProviderClientBase,
  type ProviderModule,
  type ReadDescription,
  rememberSecret,
  ValidationError,
} from "@opwatch/core";

/** What a provider package exports for the facade (`sourcecraft`, `keycard`, `bentley`, `ecl`): its name and
 * description, with its options type as a phantom (the typed openapi-fetch client is not part of it). */
export type { ProviderModule };

/** A registration: a provider module with the options (token, base URL, region, fetch…) its clients are made with. */
export interface ProviderRegistration {
  readonly name: string;
  /** What the read path needs of the provider's description (its whole one is its package's `description`). */
  readonly description: ReadDescription;
  /** The provider's reading compiled from its spec: ids, status URLs, normalized statuses. */
  readonly provider: CompiledProvider;
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
  if (typeof module.toStatus !== "function" || typeof module.checkParams !== "function") {
    throw new ValidationError(
      "register() takes a provider module such as `sourcecraft` from @opwatch/sourcecraft; for a hand-written description, pass describedProvider(description) from @opwatch/core/described.",
    );
  }
  // Every token the clients are given, for the facade's own errors (a failed operation, a wait's timeout)
  // to redact, as core's errors do: a token function's answers are recorded as they come (the newest
  // MAX_REMEMBERED_SECRETS, as core keeps).
  const secrets: string[] = [];
  const token = (options as { token?: unknown } | null)?.token;
  if (typeof token === "string") secrets.push(token);
  const given =
    typeof token === "function"
      ? {
          ...options,
          token: async () => {
            const value: unknown = await token();
            if (typeof value === "string") rememberSecret(secrets, value);
            return value;
          },
        }
      : options;
  // The lean reader: each read sent with fetch directly; openapi-fetch stays out of the poll path and the bundle.
  const connect = (baseUrl?: string) =>
    createOperationReader(
      module,
      (baseUrl === undefined ? given : { ...given, baseUrl }) as Parameters<typeof createOperationReader>[1],
    );
  // Validate the options now (token, base URL, region), before anything is polled.
  connect();
  const timeoutMs = (options as { timeoutMs?: number }).timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const registration = { name: module.name, description: module.description, provider: module, connect, timeoutMs };
  tokens.set(registration, secrets);
  return registration;
}

const tokens = new WeakMap<ProviderRegistration, readonly string[]>();

/** The tokens a registration's clients were given so far (none for a registration not made by `register`). */
export const secretsOf = (registration: ProviderRegistration): readonly string[] => tokens.get(registration) ?? [];
