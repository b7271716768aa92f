// Type tests: a provider's options type one option per server variable, as its spec declares it. Checked by
// `tsc` (the typecheck task) and run as plain assertions by vitest.
import { describe, expectTypeOf, it } from "vitest";
import type { ProviderClientOptions, ProviderDescription, ServerVariableDescription } from "../src/index.js";

/** A description with one server variable `region`, closed (an enum) or open (a pattern and examples). */
const withRegion = <const V extends ServerVariableDescription>(region: V) =>
  ({
    name: "acme",
    displayName: "Acme",
    servers: [{ url: "https://{region}.acme.test", variables: { region } }],
    auth: { type: "bearer" },
    defaultEndpoint: "getJob",
    endpoints: {
      getJob: { path: "/jobs/{job}", accept: "application/json", pathParams: [{ name: "job" }], conditional: false },
    },
    adapter: { id: "/id", status: { pointer: "/state", map: { DONE: "succeeded" } } },
  }) as const satisfies ProviderDescription;

const closed = withRegion({ default: "eu", enum: ["eu", "us"] });
const open = withRegion({ default: "jp1", pattern: "^[a-z]{2}[0-9]{1,2}$", examples: ["jp1", "us1"] });
type Closed = ProviderClientOptions<typeof closed>;
type Open = ProviderClientOptions<typeof open>;

describe("server variables as options", () => {
  it("types a closed variable as its values: a wrong literal does not compile", () => {
    expectTypeOf<NonNullable<Closed["region"]>>().toEqualTypeOf<"eu" | "us">();
    const compileOnly = () => {
      const fine: Closed = { token: "t", region: "us" };
      // @ts-expect-error: "tokyo" is not one of the spec's regions
      const wrong: Closed = { token: "t", region: "tokyo" };
      return [fine, wrong];
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it("types an open variable as its known values for autocompletion, and any other string", () => {
    expectTypeOf<"jp1" | "us1">().toExtend<NonNullable<Open["region"]>>();
    expectTypeOf<Extract<Open["region"], "jp1">>().toEqualTypeOf<"jp1">();
    const compileOnly = () => {
      const other: Open = { token: "t", region: "jp9" };
      // @ts-expect-error: a region is a string
      const wrong: Open = { token: "t", region: 1 };
      return [other, wrong];
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});
