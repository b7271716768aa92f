import { bentley } from "@opwatch/bentley";
import { ecl } from "@opwatch/ecl";
import { keycard } from "@opwatch/keycard";
import { sourcecraft } from "@opwatch/sourcecraft";
import { AuthError, createWatcher, type ProviderRegistration, provider, type Watcher } from "opwatch";

export type Env = Readonly<Record<string, string | undefined>>;

/** Environment variable holding each provider's token. */
export const TOKEN_VARIABLES = {
  sourcecraft: "SOURCECRAFT_TOKEN",
  keycard: "KEYCARD_TOKEN",
  bentley: "BENTLEY_TOKEN",
  ecl: "ECL_TOKEN",
} as const;

type ProviderName = keyof typeof TOKEN_VARIABLES;

/**
 * A watcher with all four providers. Tokens are read from the environment only when a request needs
 * one, so a missing token matters only for the provider actually polled, and says which variable to set.
 */
export function watcherFromEnv(env: Env, baseUrls: Partial<Record<ProviderName, string>>, region?: string): Watcher {
  const token = (name: ProviderName) => async () => {
    const value = env[TOKEN_VARIABLES[name]];
    if (!value) throw new AuthError(`${name}: set ${TOKEN_VARIABLES[name]} to a token.`, { provider: name });
    return value;
  };
  const baseUrl = (name: ProviderName) => baseUrls[name] ?? env[`${name.toUpperCase()}_BASE_URL`];
  const withBase = <T extends object>(name: ProviderName, options: T) => {
    const url = baseUrl(name);
    return url === undefined ? options : { ...options, baseUrl: url };
  };
  const providers: ProviderRegistration[] = [
    provider(sourcecraft, withBase("sourcecraft", { token: token("sourcecraft") })),
    provider(keycard, withBase("keycard", { token: token("keycard") })),
    provider(bentley, withBase("bentley", { token: token("bentley") })),
    provider(
      ecl,
      withBase("ecl", {
        token: token("ecl"),
        ...((region ?? env.ECL_REGION) ? { region: (region ?? env.ECL_REGION) as never } : {}),
      }),
    ),
  ];
  return createWatcher({ providers });
}
