// The made-up provider the core tests read from: one endpoint, `/jobs/{job}`, in the shapes each test needs.
import type { PathParamDescription, ProviderDescription } from "../src/index.js";

export interface AcmeShape {
  auth?: ProviderDescription["auth"];
  /** Server URL; `{region}` makes it take a region variable (eu, us). */
  server?: string;
  job?: Omit<PathParamDescription, "name">;
  accept?: string;
  adapter?: Partial<ProviderDescription["adapter"]>;
}

export function acme(shape: AcmeShape = {}): ProviderDescription {
  const url = shape.server ?? "https://api.acme.test";
  return {
    name: "acme",
    displayName: "Acme",
    servers: [
      url.includes("{region}") ? { url, variables: { region: { default: "eu", enum: ["eu", "us"] } } } : { url },
    ],
    auth: shape.auth ?? { type: "bearer" },
    defaultEndpoint: "getJob",
    endpoints: {
      getJob: {
        path: "/jobs/{job}",
        accept: shape.accept ?? "application/json",
        pathParams: [{ name: "job", ...shape.job }],
        conditional: false,
      },
    },
    adapter: { id: "/id", status: { pointer: "/state", map: { DONE: "succeeded" } }, ...shape.adapter },
  };
}

/**
 * Runs `fn` and returns how many of the timers it started are still pending afterwards (0: none left
 * behind). Counts only its own timers, so tests running in other workers cannot disturb the count.
 */
export async function timersLeftBy(fn: () => Promise<unknown>): Promise<number> {
  const started: { _destroyed?: boolean }[] = [];
  const original = globalThis.setTimeout;
  const spy = ((...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    started.push(timer as unknown as { _destroyed?: boolean });
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = spy;
  try {
    await fn();
  } finally {
    globalThis.setTimeout = original;
  }
  return started.filter((timer) => timer._destroyed !== true).length;
}
