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
    defaultOperation: "getJob",
    operations: {
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
