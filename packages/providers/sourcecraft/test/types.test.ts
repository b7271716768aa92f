// Type tests: checked by `tsc` (the typecheck task) and run as plain assertions by vitest.
import { describe, expectTypeOf, it } from "vitest";
import { createClient, type SourcecraftClient } from "../src/index.js";

const client: SourcecraftClient = createClient({ token: "t", fetch: async () => new Response("{}") });

describe("types", () => {
  it("types bodies by operation", () => {
    type Secret = Awaited<ReturnType<typeof client.getOperation<"getSecretOperation">>>["body"];
    type Merge = Awaited<ReturnType<typeof client.getOperation<"getMergeOperation">>>["body"];
    expectTypeOf<NonNullable<Merge>["response"]>().toMatchTypeOf<{ merge_commit_hash?: string } | undefined>();
    expectTypeOf<NonNullable<Secret>["status"]>().toMatchTypeOf<string | undefined>();
    // Known status words stay literal under the open enum:
    expectTypeOf<"in_progress">().toMatchTypeOf<NonNullable<NonNullable<Secret>["status"]>>();
  });

  it("types the raw client's bodies: open enums read as string there, literal keys stay checked", async () => {
    const { data, error } = await client.GET("/operations/secrets/id:{operation_id}", {
      params: { path: { operation_id: "x" } },
    });
    expectTypeOf(data?.status).toEqualTypeOf<string | undefined>();
    const upper: string | undefined = data?.status?.toUpperCase();
    expectTypeOf(error?.request_id).toEqualTypeOf<string | undefined>();
    // @ts-expect-error: no such field
    void data?.state;
    void upper;
  });

  it("rejects wrong paths and missing path parameters at compile time", () => {
    const compileOnly = () => {
      // @ts-expect-error: no such path
      void client.GET("/operations/secret/id:{operation_id}", { params: { path: { operation_id: "x" } } });
      // @ts-expect-error: the path parameter is missing
      void client.GET("/operations/secrets/id:{operation_id}", { params: { path: {} } });
      // @ts-expect-error: the path parameter has another name
      void client.getOperation({ id: "x" });
      // @ts-expect-error: ids are strings
      void client.getOperation({ operation_id: 42 });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});
