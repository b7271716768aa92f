// Type tests: checked by `tsc` (the typecheck task) and run as plain assertions by vitest.
import { describe, expectTypeOf, it } from "vitest";
import { type components, createClient, type EclClient, type EclClientOptions } from "../src/index.js";

const client: EclClient = createClient({ token: "t", fetch: async () => new Response("{}") });

type Operation = components["schemas"]["Operation"];
type Body = NonNullable<Awaited<ReturnType<typeof client.getOperation>>["body"]>;

describe("types", () => {
  it("types the status as an open enum: known literals and any string", () => {
    expectTypeOf<Body["operation"]>().toEqualTypeOf<Operation>();
    expectTypeOf<"COMPLETE">().toMatchTypeOf<Body["operation"]["status"]>();
    // The literal survives in the union (it would be `never` if status were plain `string`).
    expectTypeOf<Extract<Body["operation"]["status"], "COMPLETE">>().toEqualTypeOf<"COMPLETE">();
    expectTypeOf<"PROCESSING" | "STUCK" | "ERROR">().toMatchTypeOf<Body["operation"]["status"]>();
    expectTypeOf<string>().toMatchTypeOf<Body["operation"]["status"]>();
    expectTypeOf<Body["operation"]["status"]>().toMatchTypeOf<string>();
    expectTypeOf<components["schemas"]["KnownOperationStatus"]>().toEqualTypeOf<
      "PROCESSING" | "STUCK" | "COMPLETE" | "ERROR"
    >();
    expectTypeOf<Body["operation"]["reception_datetime"]>().toEqualTypeOf<string | undefined>();
  });

  it("takes any region string, with the known regions as literals for autocompletion", () => {
    expectTypeOf<"jp1" | "jp5" | "de1">().toExtend<NonNullable<EclClientOptions["region"]>>();
    expectTypeOf<Extract<EclClientOptions["region"], "jp3">>().toEqualTypeOf<"jp3">();
    expectTypeOf<NonNullable<EclClientOptions["region"]>>().toExtend<string>();
    const compileOnly = () => {
      void createClient({ token: "t", region: "de1" });
      void createClient({ token: "t", region: "jp9" });
      // @ts-expect-error: a region is a string
      void createClient({ token: "t", region: 1 });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it("types the list endpoint's filters and body", () => {
    const compileOnly = async () => {
      const { data } = await client.GET("/v1.0/operations", {
        params: { query: { resource_id: "r", status: "COMPLETE", latest: true, no_deleted: false } },
      });
      // openapi-fetch maps the body type, so compare by assignability both ways.
      expectTypeOf(data).toMatchTypeOf<components["schemas"]["OperationList"] | undefined>();
      expectTypeOf<NonNullable<typeof data>["operations"][number]>().toMatchTypeOf<Operation>();
      expectTypeOf<Operation>().toMatchTypeOf<NonNullable<typeof data>["operations"][number]>();
      // openapi-fetch's Readable<> widens the open enum to plain `string` in the raw client's `data`
      // (getOperation keeps the literals, see above); it still takes the known words and any string.
      type ListedStatus = NonNullable<typeof data>["operations"][number]["status"];
      expectTypeOf<"COMPLETE">().toMatchTypeOf<ListedStatus>();
      expectTypeOf<string>().toMatchTypeOf<ListedStatus>();
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it("rejects wrong paths, missing path parameters and wrong filters at compile time", () => {
    const compileOnly = () => {
      // @ts-expect-error: no such path
      void client.GET("/v1.0/operation/{operation_id}", { params: { path: { operation_id: "x" } } });
      // @ts-expect-error: the path parameter is missing
      void client.GET("/v1.0/operations/{operation_id}", { params: { path: {} } });
      // @ts-expect-error: the path parameter has another name
      void client.getOperation({ id: "x" });
      // @ts-expect-error: no such query filter (it is `status`)
      void client.GET("/v1.0/operations", { params: { query: { state: "COMPLETE" } } });
      // @ts-expect-error: `latest` is a boolean
      void client.GET("/v1.0/operations", { params: { query: { latest: "yes" } } });
      // @ts-expect-error: not an operation of this provider
      void client.getOperation("x", { endpoint: "listOperations" });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});
