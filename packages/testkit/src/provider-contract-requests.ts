// The generic contract's suites about requests (see provider-contract.ts): validation before any request,
// the default server, percent-encoding and the raw typed client, driven by the provider's table.
import type { ProviderClientBase } from "@opwatch/core";
import { describe, expect, it } from "vitest";
import { answering, type Exchange, neverCalled, preferring } from "./fetches.js";
import type { PrismServer } from "./prism.js";
import { fillUrl, freeFormParams, type ProviderTable, typedParams } from "./provider-table.js";

/** A package's createClient: the normalized reads plus the raw typed openapi-fetch client. */
// biome-ignore lint/suspicious/noExplicitAny: each package's createClient has its own options and paths.
export type ContractClientFactory = (options: any) => ProviderClientBase & { GET(path: any, init?: any): Promise<any> };

/** A token that looks like none of the providers' real ones, so a leak cannot hide in a familiar shape; with a
 * colon, so it is also an HTTP Basic `"username:password"`. */
export const CONTRACT_TOKEN = "opwatch-contract:token-7f3a9c1e5b";

/**
 * The host options of a test client: the given baseUrl, else, for a spec whose server has no host of its own
 * (an enterprise server's `https://{hostname}/api/v3`), its host variable set to a test host.
 */
export function hostOf(table: ProviderTable, baseUrl?: string): Record<string, string> {
  if (baseUrl !== undefined) return { baseUrl };
  if (table.defaultServer !== undefined) return {};
  // No server to default to: the host variable, else the baseUrl option (these clients never send).
  return table.hostVariable !== undefined
    ? { [table.hostVariable]: "ghe.example.test" }
    : { baseUrl: "https://api.example.test" };
}

export const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** Registers the validation, server and raw-client tests of one provider against the Prism `prism()` returns. */
export function requestSuites(table: ProviderTable, createClient: ContractClientFactory, prism: () => PrismServer) {
  const { provider, params } = table;
  const token = CONTRACT_TOKEN;
  const client = (fetch: typeof globalThis.fetch, baseUrl?: string) =>
    createClient({ token, fetch, ...hostOf(table, baseUrl) });
  const names = table.pathParams.map((p) => p.name);

  describe(`${provider}: validation before any request`, () => {
    const refuses = async (ids: unknown, message?: RegExp) => {
      const error = await caught(client(neverCalled).getOperation(ids as never));
      expect((error as Error)?.name, `${JSON.stringify(ids)}: ${String(error)}`).toBe("ValidationError");
      expect(error).toMatchObject({ provider });
      if (message) expect((error as Error).message).toMatch(message);
    };
    for (const param of table.pathParams) {
      const string = (param.type ?? "string") === "string";
      it(`${provider}: rejects an empty ${param.name}`, async () => {
        await refuses(
          { ...params, [param.name]: "" },
          string ? new RegExp(`"${param.name}" must not be empty`) : undefined,
        );
      });
      it(`${provider}: rejects a missing ${param.name}`, async () => {
        const { [param.name]: _, ...rest } = params;
        await refuses(rest, new RegExp(`"${param.name}" must be a`));
      });
      it(`${provider}: rejects a value of ${param.name} that a URL parser would resolve away ("." and "..")`, async () => {
        await refuses({ ...params, [param.name]: "." });
        await refuses({ ...params, [param.name]: ".." });
      });
    }
    const only = table.pathParams.length === 1 ? table.pathParams[0] : undefined;
    if (only) {
      const string = (only.type ?? "string") === "string";
      it(`${provider}: takes a bare ${string ? "string" : "value"} for ${only.name} and checks it the same way`, async () => {
        await refuses("", string ? /must not be empty/ : new RegExp(`"${only.name}" must be an? (integer|number)`));
        await refuses("..");
      });
    } else {
      it(`${provider}: rejects a bare string: ${names.join(" and ")} are all needed`, async () => {
        await refuses(String(Object.values(params)[0]), new RegExp(names.join(" and ")));
      });
    }
    it(`${provider}: rejects a missing token, a bad base URL and an unknown endpoint`, async () => {
      expect(() => createClient({ token: "" })).toThrow(expect.objectContaining({ name: "ValidationError" }));
      expect(() => createClient({})).toThrow(expect.objectContaining({ name: "ValidationError" }));
      for (const baseUrl of ["api.example.com", "ftp://x"]) {
        expect(() => createClient({ token, baseUrl })).toThrow(/absolute http\(s\) URL/);
      }
      const error = await caught(client(neverCalled).getOperation(params, { endpoint: "getNothing" }));
      expect((error as Error)?.name).toBe("ValidationError");
      expect((error as Error).message).toMatch(/unknown endpoint/);
    });
  });

  describe(`${provider}: servers and the raw typed client`, () => {
    const json = () =>
      new Response(JSON.stringify(table.okExample.body), { headers: { "content-type": table.accept } });
    const { defaultServer, hostVariable } = table;
    if (defaultServer !== undefined) {
      it(`${provider}: defaults to the spec's server ${defaultServer} and sends requests there`, async () => {
        const seen: Exchange[] = [];
        const c = client(answering(json, seen));
        expect(c.baseUrl).toBe(defaultServer);
        expect(createClient({ token }).baseUrl).toBe(defaultServer);
        await c.getOperation(params);
        expect(seen.map((e) => e.url)).toEqual([`${defaultServer}${fillUrl(table, params)}`]);
      });
    } else if (hostVariable !== undefined) {
      it(`${provider}: sends nothing until the ${hostVariable} option names the server's host, then sends there`, async () => {
        expect(() => createClient({ token })).toThrow(expect.objectContaining({ name: "ValidationError" }));
        expect(() => createClient({ token })).toThrow(new RegExp(`the ${hostVariable} option`));
        for (const bad of ["", "a/b", "user@host", "host name", "-x.example.test", "x.example.test/evil"]) {
          expect(() => createClient({ token, [hostVariable]: bad }), bad).toThrow(
            expect.objectContaining({ name: "ValidationError" }),
          );
        }
        const seen: Exchange[] = [];
        const c = createClient({ token, [hostVariable]: "ghe.example.test:8443", fetch: answering(json, seen) });
        expect(new URL(c.baseUrl).host).toBe("ghe.example.test:8443");
        await c.getOperation(params);
        expect(seen.map((e) => e.url)).toEqual([`${c.baseUrl}${fillUrl(table, params)}`]);
      });
    } else {
      it(`${provider}: names no server, so sends nothing until the baseUrl option names one`, async () => {
        expect(() => createClient({ token })).toThrow(expect.objectContaining({ name: "ValidationError" }));
        expect(() => createClient({ token })).toThrow(/pass the baseUrl option/);
        const seen: Exchange[] = [];
        const c = createClient({ token, baseUrl: "https://api.example.test/v1", fetch: answering(json, seen) });
        await c.getOperation(params);
        expect(seen.map((e) => e.url)).toEqual([`https://api.example.test/v1${fillUrl(table, params)}`]);
      });
    }

    it(`${provider}: lets baseUrl (trailing slash trimmed) point at Prism`, async () => {
      const seen: Exchange[] = [];
      const c = client(preferring(`code=200, example=${table.okExample.name}`, seen), `${prism().url}/`);
      expect(c.baseUrl).toBe(prism().url);
      const snapshot = await c.getOperation(params);
      expect(snapshot).toMatchObject({ httpStatus: 200, endpoint: table.endpoint, params });
      expect(snapshot.body).toEqual(table.okExample.body);
      expect(seen.map((e) => e.url)).toEqual([`${prism().url}${fillUrl(table, params)}`]);
    });

    const free = freeFormParams(table);
    if (free.length > 0) {
      it(`${provider}: sends ${free.map((p) => p.name).join(", ")} with reserved characters percent-encoded, one segment each (Prism routes them)`, async () => {
        const seen: Exchange[] = [];
        const c = client(preferring(`code=200, example=${table.okExample.name}`, seen), prism().url);
        const values = ["a/b?c#d", "../x", "with spaces", "t%2F1", "zöne&=+;,"];
        // Each value padded (or cut) to the parameter's length bounds (Stability's 64-character ids), so it is valid.
        const fit = (value: string, p: (typeof free)[number]) =>
          value.padEnd(p.minLength ?? 0, "x").slice(0, p.maxLength ?? Number.POSITIVE_INFINITY);
        const sent = values.map((value) => ({
          ...params,
          ...Object.fromEntries(free.map((p) => [p.name, fit(value, p)])),
        }));
        for (const ids of sent) {
          const snapshot = await c.getOperation(ids);
          expect(snapshot.httpStatus).toBe(200);
          expect(snapshot.params).toEqual(ids);
        }
        expect(seen.map((e) => e.url)).toEqual(sent.map((ids) => `${prism().url}${fillUrl(table, ids)}`));
        const segments = table.path.split("/").length;
        for (const e of seen) expect(new URL(e.url).pathname.split("/")).toHaveLength(segments);
      });
    }

    it(`${provider}: the raw typed client drives GET ${table.path} against Prism`, async () => {
      const seen: Exchange[] = [];
      const { data, error, response } = await client(
        preferring(`code=200, example=${table.okExample.name}`, seen),
        prism().url,
      ).GET(table.path, { params: typedParams(table, params), headers: { Accept: table.accept } });
      expect(error).toBeUndefined();
      expect(response.status).toBe(200);
      expect(data).toEqual(table.okExample.body);
      expect(seen.map((e) => [e.url, e.headers.get(table.auth.header)])).toEqual([
        [`${prism().url}${fillUrl(table, params)}`, table.auth.value(token)],
      ]);
    });
  });
}
