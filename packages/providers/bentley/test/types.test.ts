// Type tests: checked by `tsc` (the typecheck task) and run as plain assertions by vitest.
import { describe, expectTypeOf, it } from "vitest";
import { type BentleyClient, createClient } from "../src/index.js";

const client: BentleyClient = createClient({ token: "t", fetch: async () => new Response("{}") });

type Body = Awaited<ReturnType<typeof client.getOperation>>["body"];
type Operation = NonNullable<Body>["operation"];

describe("types", () => {
  it("types the operation body", () => {
    expectTypeOf<Body>().toEqualTypeOf<
      | {
          operation: Operation;
        }
      | undefined
    >();
    expectTypeOf<Operation["id"]>().toEqualTypeOf<string>();
    expectTypeOf<Operation["percentComplete"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Operation["createdAt"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Operation["subStatus"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Operation["failureDescription"]>().toEqualTypeOf<string | null | undefined>();
    // Known status words stay literal under the open enum, and any other string still fits:
    expectTypeOf<"Succeeded">().toExtend<Operation["status"]>();
    expectTypeOf<"Paused">().toExtend<Operation["status"]>();
    expectTypeOf<Operation["status"]>().toExtend<string>();
  });

  it("types getOperation's ids as both path parameters", () => {
    expectTypeOf(client.getOperation).parameter(0).toEqualTypeOf<{ scheduleId: string; operationId: string }>();
  });

  it("rejects wrong paths, missing and misspelled path parameters at compile time", () => {
    const compileOnly = () => {
      // @ts-expect-error: no such path
      void client.GET("/schedule/{scheduleId}/operations/{operationId}", {
        params: { path: { scheduleId: "s", operationId: "o" } },
      });
      // @ts-expect-error: operationId is missing
      void client.GET("/schedules/{scheduleId}/operations/{operationId}", { params: { path: { scheduleId: "s" } } });
      void client.GET("/schedules/{scheduleId}/operations/{operationId}", {
        // @ts-expect-error: the parameter is operationId, not operationID
        params: { path: { scheduleId: "s", operationID: "o" } },
      });
      // @ts-expect-error: operationId is missing
      void client.getOperation({ scheduleId: "s" });
      // @ts-expect-error: the parameter is scheduleId, not scheduleID
      void client.getOperation({ scheduleID: "s", operationId: "o" });
      // @ts-expect-error: two ids are needed, a bare string is not enough
      void client.getOperation("o");
      // @ts-expect-error: ids are strings
      void client.getOperation({ scheduleId: "s", operationId: 42 });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});
