// A poll endpoint with a required query parameter (Azure's `?api-version=2023-01-01`): it is part of what
// names the operation, so it is checked before any request, sent on every read, and kept in refs.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  assertRef,
  createOperationReader,
  type PollEndpoint,
  type ProviderDescription,
  refFromUrl,
  toOperationStatus,
  ValidationError,
} from "../src/index.js";

const description: ProviderDescription = {
  name: "azurish",
  displayName: "Azurish",
  servers: [{ url: "https://management.azurish.test" }],
  auth: { type: "bearer" },
  defaultEndpoint: "getOperation",
  endpoints: {
    getOperation: {
      path: "/providers/Microsoft.Acme/operations/{operationId}",
      accept: "application/json",
      pathParams: [{ name: "operationId" }],
      conditional: false,
      queryParams: [{ name: "api-version", pattern: "^\\d{4}-\\d{2}-\\d{2}(-preview)?$", default: "2023-01-01" }],
    },
    getStrict: {
      path: "/strict/{operationId}",
      accept: "application/json",
      pathParams: [{ name: "operationId" }],
      conditional: false,
      queryParams: [{ name: "api-version" }],
    },
  },
  adapter: { id: "/name", status: { pointer: "/status", map: { InProgress: "running", Succeeded: "succeeded" } } },
};

function recording() {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    urls.push(new Request(input, init).url);
    return new Response(JSON.stringify({ name: "op-1", status: "InProgress" }), { status: 200 });
  };
  return { urls, fetch };
}

describe("a required query parameter on the status URL", () => {
  it("is sent on every read: the spec's default when none is given, else the one given", async () => {
    const { urls, fetch } = recording();
    const reader = createOperationReader(description, { token: "t0k-query-1", fetch });
    const first = await reader.getOperation("op-1");
    await reader.getOperation("op-1");
    await reader.getOperation({ operationId: "op 2", "api-version": "2024-05-01-preview" });
    expect(urls).toEqual([
      "https://management.azurish.test/providers/Microsoft.Acme/operations/op-1?api-version=2023-01-01",
      "https://management.azurish.test/providers/Microsoft.Acme/operations/op-1?api-version=2023-01-01",
      "https://management.azurish.test/providers/Microsoft.Acme/operations/op%202?api-version=2024-05-01-preview",
    ]);
    // Kept in the ref the status carries, so polling again from another process sends it too.
    const status = toOperationStatus(description, first, reader.baseUrl);
    expect(status.ref.params).toEqual({ "api-version": "2023-01-01", operationId: "op-1" });
    expect(status.id).toBe("op-1");
  });

  it("is checked against its schema before any request, and required when the spec has no default", async () => {
    const { urls, fetch } = recording();
    const reader = createOperationReader(description, { token: "t0k-query-2", fetch });
    await expect(reader.getOperation({ operationId: "op-1", "api-version": "latest" })).rejects.toThrow(
      /query parameter "api-version" must match/,
    );
    await expect(reader.getOperation("op-1", { endpoint: "getStrict" })).rejects.toThrow(ValidationError);
    await expect(reader.getOperation("op-1", { endpoint: "getStrict" })).rejects.toThrow(
      /query parameter "api-version" must be a string/,
    );
    expect(urls).toEqual([]);
  });

  it("is read from a status URL (Azure-AsyncOperation) into the ref, and refused there when invalid", () => {
    const url = "https://management.azurish.test/providers/Microsoft.Acme/operations/op-9?api-version=2022-03-01&x=1";
    expect(refFromUrl(description, url)).toEqual({
      provider: "azurish",
      endpoint: "getOperation",
      params: { "api-version": "2022-03-01", operationId: "op-9" },
      baseUrl: "https://management.azurish.test",
    });
    // A status URL without it gets the spec's default, as a call without it does.
    expect(
      refFromUrl(description, "https://management.azurish.test/providers/Microsoft.Acme/operations/op-9")?.params,
    ).toEqual({ "api-version": "2023-01-01", operationId: "op-9" });
    expect(() =>
      refFromUrl(description, "https://management.azurish.test/providers/Microsoft.Acme/operations/o?api-version=x"),
    ).toThrow(/query parameter "api-version" must match/);
  });

  it("is checked in a ref read back from JSON", () => {
    const ref = {
      provider: "azurish",
      endpoint: "getOperation",
      params: { operationId: "op-1", "api-version": "2023-01-01" },
      baseUrl: "https://management.azurish.test",
    };
    expect(() => assertRef(ref, description)).not.toThrow();
    expect(() => assertRef({ ...ref, params: { operationId: "op-1", "api-version": "" } }, description)).toThrow(
      /query parameter "api-version" must not be empty/,
    );
  });
});

describe("the typed getOperation of an endpoint with a required query parameter", () => {
  type Operation = {
    parameters: { path: { operationId: string }; query: { "api-version": string; $filter?: string } };
    responses: { 200: { content: { "application/json": { status: string } } } };
  };
  type WithoutQuery = {
    parameters: { path: { operationId: string }; query?: never };
    responses: { 200: { content: { "application/json": { status: string } } } };
  };

  it("takes the path parameters, and the required query parameter as optional (the spec's default is sent)", () => {
    expectTypeOf<PollEndpoint<Operation, "application/json">["params"]>().toEqualTypeOf<
      { operationId: string } & { "api-version"?: string }
    >();
    expectTypeOf<PollEndpoint<WithoutQuery, "application/json", "operationId">["params"]>().toEqualTypeOf<
      { operationId: string } | string
    >();
  });
});
