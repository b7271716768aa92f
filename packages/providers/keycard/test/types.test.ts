// Type tests: checked by `tsc` (the typecheck task) and run as plain assertions by vitest.
import type { OperationSnapshot } from "@opwatch/core";
import { describe, expectTypeOf, it } from "vitest";
import {
  type components,
  createClient,
  type KeycardClient,
  type KeycardEndpointName,
  type KeycardOperationStatus,
  type operations,
  toStatus,
} from "../src/index.js";

const client: KeycardClient = createClient({ token: "t", fetch: async () => new Response("{}") });

type Body = NonNullable<Awaited<ReturnType<typeof client.getOperation>>["body"]>;
type Schemas = components["schemas"];
type Link = NonNullable<Body["links"]>[number];
type Warning = NonNullable<Body["warnings"]>[number];
type ErrorBody = Schemas["Error"];
type ErrorResponse<Status extends 401 | 404 | 429 | 500> =
  operations["getCatalogTask"]["responses"][Status]["content"]["application/json"];

describe("types", () => {
  it("has one poll operation, getCatalogTask, and types its body as the bare Task", () => {
    expectTypeOf<KeycardEndpointName>().toEqualTypeOf<"getCatalogTask">();
    expectTypeOf<Body>().toEqualTypeOf<Schemas["Task"]>();
    expectTypeOf<Awaited<ReturnType<typeof client.getOperation>>>().toEqualTypeOf<OperationSnapshot<Body>>();
    expectTypeOf<OperationSnapshot<Body>["location"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OperationSnapshot<Body>["body"]>().toEqualTypeOf<Body | undefined>();
  });

  it("types the 5 required and 7 optional Task fields", () => {
    expectTypeOf<Body["id"]>().toEqualTypeOf<string>();
    expectTypeOf<Body["created_at"]>().toEqualTypeOf<string>();
    expectTypeOf<Body["updated_at"]>().toEqualTypeOf<string>();
    expectTypeOf<Body["error_message"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Body["install_id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Body["package_id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Body["package_slug"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Body["package_version"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Body["links"]>().toEqualTypeOf<Schemas["Link"][] | undefined>();
    expectTypeOf<Body["warnings"]>().toEqualTypeOf<Schemas["Warning"][] | undefined>();
    expectTypeOf<keyof Body>().toEqualTypeOf<
      | "id"
      | "created_at"
      | "operation"
      | "status"
      | "updated_at"
      | "error_message"
      | "install_id"
      | "links"
      | "package_id"
      | "package_slug"
      | "package_version"
      | "warnings"
    >();
  });

  it("keeps status and operation open enums: known literals fit, any string still fits", () => {
    expectTypeOf<"completed">().toExtend<Body["status"]>();
    expectTypeOf<"pending" | "running" | "completed" | "failed">().toExtend<Body["status"]>();
    expectTypeOf<"cancelling">().toExtend<Body["status"]>();
    expectTypeOf<Body["status"]>().toExtend<string>();
    expectTypeOf<Schemas["KnownTaskStatus"]>().toEqualTypeOf<"pending" | "running" | "completed" | "failed">();
    expectTypeOf<"create" | "delete">().toExtend<Body["operation"]>();
    expectTypeOf<Body["operation"]>().toExtend<string>();
  });

  it("types links: href and rel required; properties, titles and type optional", () => {
    expectTypeOf<Link["href"]>().toEqualTypeOf<string>();
    expectTypeOf<Link["rel"]>().toEqualTypeOf<string>();
    expectTypeOf<Link["type"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Link["titles"]>().toEqualTypeOf<{ [key: string]: string } | undefined>();
    expectTypeOf<Link["properties"]>().toEqualTypeOf<{ [key: string]: unknown } | undefined>();
  });

  it("types warnings with every field required and the error code enum", () => {
    expectTypeOf<Warning>().toEqualTypeOf<Schemas["Warning"]>();
    expectTypeOf<Warning["message"]>().toEqualTypeOf<string>();
    expectTypeOf<Warning["path"]>().toEqualTypeOf<string>();
    expectTypeOf<Warning["request_id"]>().toEqualTypeOf<string>();
    expectTypeOf<Warning["status"]>().toEqualTypeOf<number>();
    expectTypeOf<Warning["timestamp"]>().toEqualTypeOf<string>();
    expectTypeOf<Warning["details"]>().toEqualTypeOf<Schemas["ErrorDetail"][]>();
    expectTypeOf<Warning["details"][number]["field"]>().toEqualTypeOf<string>();
    expectTypeOf<"conflict">().toExtend<Warning["code"]>();
    expectTypeOf<"validation_error">().toExtend<Warning["details"][number]["code"]>();
    expectTypeOf<Schemas["KnownErrorCode"]>().toEqualTypeOf<
      | "validation_error"
      | "bad_request"
      | "unauthorized"
      | "forbidden"
      | "not_found"
      | "conflict"
      | "rate_limit_exceeded"
      | "internal_error"
      | "service_unavailable"
    >();
  });

  it("types error bodies with only code and message required", () => {
    expectTypeOf<ErrorBody["message"]>().toEqualTypeOf<string>();
    expectTypeOf<"rate_limit_exceeded">().toExtend<ErrorBody["code"]>();
    expectTypeOf<ErrorBody["request_id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ErrorBody["details"]>().toEqualTypeOf<Schemas["ErrorDetail"][] | undefined>();
    expectTypeOf<ErrorBody["path"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ErrorBody["status"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ErrorBody["timestamp"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<{ code: "internal_error"; message: string }>().toExtend<ErrorBody>();
    // …while a warning needs every field:
    expectTypeOf<{ code: "conflict"; message: string }>().not.toExtend<Warning>();
    expectTypeOf<ErrorResponse<401>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<ErrorResponse<404>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<ErrorResponse<429>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<ErrorResponse<500>>().toEqualTypeOf<ErrorBody>();
  });

  it("types getOperation's ids as both path parameters and toStatus's raw as the Task", () => {
    expectTypeOf(client.getOperation).parameter(0).toEqualTypeOf<{ zone_id: string; task_id: string }>();
    expectTypeOf(toStatus<"getCatalogTask">).returns.toEqualTypeOf<KeycardOperationStatus>();
    expectTypeOf<KeycardOperationStatus["raw"]>().toEqualTypeOf<Body | undefined>();
    expectTypeOf<KeycardOperationStatus["resultUrl"]>().toEqualTypeOf<string | undefined>();
  });

  it("rejects wrong paths, missing path parameters and a bare string at compile time", () => {
    const compileOnly = () => {
      // @ts-expect-error: no such path
      void client.GET("/zones/{zone_id}/catalog_task/{task_id}", {
        params: { path: { zone_id: "z", task_id: "t" } },
      });
      // @ts-expect-error: zone_id is missing
      void client.GET("/zones/{zone_id}/catalog_tasks/{task_id}", { params: { path: { task_id: "t" } } });
      void client.GET("/zones/{zone_id}/catalog_tasks/{task_id}", {
        // @ts-expect-error: the parameter is task_id, not taskId
        params: { path: { zone_id: "z", taskId: "t" } },
      });
      // @ts-expect-error: zone_id is missing
      void client.getOperation({ task_id: "t" });
      // @ts-expect-error: two ids are needed, a bare string is not enough
      void client.getOperation("task_01hx7k2m9q");
      // @ts-expect-error: ids are strings
      void client.getOperation({ zone_id: "z", task_id: 42 });
      // @ts-expect-error: not an operation of this provider
      void client.getOperation({ zone_id: "z", task_id: "t" }, { endpoint: "getInstall" });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});
