// The generic contract tests every generated package runs beside its examples (registered by specContract):
// error answers and authentication here, validation, the default server and the raw typed client in
// provider-contract-requests.ts, each driven by the provider's table (provider-table.ts) and run against Prism.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { answering, type Exchange, preferring, recording } from "./fetches.js";
import type { PrismServer } from "./prism.js";
import {
  CONTRACT_TOKEN,
  type ContractClientFactory,
  caught,
  hostOf,
  requestSuites,
} from "./provider-contract-requests.js";
import {
  type ErrorCase,
  type ExpectedError,
  expectedError,
  type ProviderTable,
  typedParams,
} from "./provider-table.js";

function expectNoToken(error: unknown, token: string): void {
  expect(String(error)).not.toContain(token);
  expect(JSON.stringify(error)).not.toContain(token);
  expect(inspect(error)).not.toContain(token);
  if (error instanceof Error) expect(String(error.cause ?? "")).not.toContain(token);
}

function expectError(error: unknown, want: ExpectedError, status: number, provider: string): void {
  expect((error as Error)?.name, String(error)).toBe(want.errorClass);
  expect(error).toMatchObject({
    provider,
    httpStatus: status,
    code: want.code,
    requestId: want.requestId,
    retryable: want.retryable,
    retryAfter: want.retryAfter,
  });
}

/** What the server sent in one exchange: the error the client must make of it follows from it. */
async function expectedOf(table: ProviderTable, exchange: Exchange | undefined): Promise<ExpectedError> {
  const response = exchange?.response.clone();
  const text = (await response?.text()) ?? "";
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return expectedError(table, response?.status ?? 0, response?.headers ?? new Headers(), body);
}

/** The start of a server's message as an error quotes it (whitespace folded, cut at 200 characters). */
const quoted = (message: string) => message.replace(/\s+/g, " ").trim().slice(0, 60);

const describeCase = (c: ErrorCase) =>
  `${c.response === "default" ? `default response as ${c.status}` : c.status}${c.example ? ` example "${c.example}"` : ""}`;

/** Registers the generic contract tests of one provider against the Prism that `prism()` returns. */
export function providerContractSuite(
  table: ProviderTable,
  createClient: ContractClientFactory,
  prism: () => PrismServer,
) {
  const { provider, params } = table;
  const token = CONTRACT_TOKEN;
  const client = (fetch: typeof globalThis.fetch, baseUrl?: string) =>
    createClient({ token, fetch, ...hostOf(table, baseUrl) });
  const withoutToken: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    request.headers.delete(table.auth.header);
    return fetch(request);
  };

  describe(`${provider}: error answers (each documented error response's named examples)`, () => {
    for (const c of table.errors) {
      it(`${provider}: ${describeCase(c)} → its error class with the body's code, message and request id`, async () => {
        const seen: Exchange[] = [];
        const prefer = `code=${c.status}${c.example ? `, example=${c.example}` : ""}`;
        const error = await caught(client(preferring(prefer, seen), prism().url).getOperation(params));
        expect(seen.map((e) => e.response.status)).toEqual([c.status]);
        if (c.body !== undefined) expect(await seen[0]?.response.clone().json()).toEqual(c.body);
        const want = await expectedOf(table, seen[0]);
        expectError(error, want, c.status, provider);
        const said = `${table.displayName} answered ${c.status}${want.code ? ` ${want.code}` : ""}`;
        expect((error as Error).message).toContain(said);
        if (want.message?.trim()) expect((error as Error).message).toContain(quoted(want.message));
        if (want.retryAfter !== undefined) expect((error as Error).message).toContain(`Wait ${want.retryAfter} s`);
        expectNoToken(error, token);
      });
    }

    const first = table.errors.find((c) => c.example !== undefined);
    if (first) {
      it(`${provider}: the raw typed client returns the ${describeCase(first)} error body`, async () => {
        const prefer = `code=${first.status}, example=${first.example}`;
        const { data, error, response } = await client(preferring(prefer), prism().url).GET(table.path, {
          params: typedParams(table, params),
        });
        expect(response.status).toBe(first.status);
        expect(data).toBeUndefined();
        expect(error).toEqual(first.body);
      });
    }

    for (const [label, answer] of [
      [
        "a plain-text body",
        () => new Response("Service Unavailable", { headers: { "content-type": "text/plain" }, status: 503 }),
      ],
      ["an empty body", () => new Response(null, { status: 503 })],
    ] as const) {
      it(`${provider}: a 503 with ${label} (no error object) → ServerError, no crash`, async () => {
        const error = await caught(client(answering(answer)).getOperation(params));
        expect((error as Error)?.name).toBe("ServerError");
        expect(error).toMatchObject({ provider, httpStatus: 503, code: undefined, retryable: true });
        if (label === "a plain-text body") expect((error as Error).message).toContain("Service Unavailable");
      });
    }
  });

  describe(`${provider}: authentication (${table.auth.header})`, () => {
    it(`${provider}: is refused without ${table.auth.header}: Prism answers 401 and the client throws AuthError`, async () => {
      const seen: Exchange[] = [];
      const error = await caught(client(preferring(undefined, seen), prism().url).getOperation(params));
      expect(seen).toHaveLength(1);
      const unauthorized: Exchange[] = [];
      const refused = await caught(client(recording(withoutToken, unauthorized), prism().url).getOperation(params));
      expect((refused as Error)?.name, String(refused)).toBe("AuthError");
      expect(refused).toMatchObject({ provider, httpStatus: 401, retryable: false });
      const want = await expectedOf(table, unauthorized[0]);
      expect(refused).toMatchObject({ code: want.code, requestId: want.requestId });
      if (want.message?.trim()) expect((refused as Error).message).toContain(quoted(want.message));
      expectNoToken(refused, token);
      expect(error).toBeUndefined();
    });

    it(`${provider}: sends the token as ${table.auth.header}: ${table.auth.value("<token>")} with Accept ${table.accept}`, async () => {
      const seen: Exchange[] = [];
      const snapshot = await client(
        preferring(`code=200, example=${table.okExample.name}`, seen),
        prism().url,
      ).getOperation(params);
      expect(snapshot.httpStatus).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.headers.get(table.auth.header)).toBe(table.auth.value(token));
      if (table.auth.header !== "Authorization") expect(seen[0]?.headers.has("Authorization")).toBe(false);
      expect(seen[0]?.headers.get("Accept")).toBe(table.accept);
    });

    for (const c of table.errors.filter((e) => e.status === 401 || e.status === 404)) {
      it(`${provider}: keeps the token out of the ${describeCase(c)} error (message, JSON, inspect)`, async () => {
        const seen: Exchange[] = [];
        const prefer = `code=${c.status}${c.example ? `, example=${c.example}` : ""}`;
        const error = await caught(client(preferring(prefer, seen), prism().url).getOperation(params));
        expect(seen.map((e) => e.headers.get(table.auth.header))).toEqual([table.auth.value(token)]);
        expect((error as Error)?.name).toBe((await expectedOf(table, seen[0])).errorClass);
        expectNoToken(error, token);
      });
    }

    it(`${provider}: redacts the token even when a failing fetch puts it in its own message`, async () => {
      const error = await caught(
        client(async (input, init) => {
          const request = new Request(input, init);
          throw new TypeError(`connection reset (${request.headers.get(table.auth.header)})`);
        }).getOperation(params),
      );
      expect((error as Error)?.name).toBe("NetworkError");
      expect(error).toMatchObject({ provider, retryable: true });
      // HTTP Basic's header is the base64 form, masked whole after the scheme word.
      const masked = table.auth.value(token).startsWith("Basic ") ? "Basic [REDACTED]" : table.auth.value("[REDACTED]");
      expect((error as Error).message).toContain(`connection reset (${masked})`);
      expectNoToken(error, token);
    });
  });

  requestSuites(table, createClient, prism);
}
