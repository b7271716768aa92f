// The spec-driven contract test every generated package runs (its test/spec-contract.test.ts): for each
// poll endpoint, each named 200 example goes through Prism, the client and the normalizer, and the state
// must be the one the spec maps it to.
import {
  isTerminal,
  OPERATION_STATES,
  type OperationSnapshot,
  type OperationState,
  type OperationStatus,
  type ProviderDescription,
  readPointer,
  readString,
} from "@opwatch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preferring } from "./fetches.js";
import { type PrismServer, startPrism } from "./prism.js";
import { providerContractSuite } from "./provider-contract.js";
import type { ContractClientFactory } from "./provider-contract-requests.js";
import { type ProviderTableOptions, pathParamExamples, providerTable, queryParamExamples } from "./provider-table.js";
import {
  deref,
  findOperation,
  loadSpecDocument,
  responseExamples,
  type SpecDocument,
  type SpecSource,
  specPath,
} from "./spec.js";

/** What a generated package exports that the contract test needs. */
export interface ContractSubject {
  readonly description: ProviderDescription;
  createClient: ContractClientFactory;
  // biome-ignore lint/suspicious/noExplicitAny: each package's toStatus is typed by its own bodies.
  toStatus(snapshot: OperationSnapshot<any>, baseUrl: string): OperationStatus;
}

/** One row of the contract table: an example of a poll endpoint and the state the spec says it means. */
export interface ContractCase {
  /** The poll endpoint's operationId. */
  endpoint: string;
  /** The named 200 example; for an answer that carries the state itself (`x-opwatch.answers`), its status (`202`). */
  example: string;
  /** The HTTP status asked of Prism: 200, or one of `x-opwatch.answers` (202 while running, 204 when done). */
  httpStatus: number;
  params: Record<string, string | number>;
  /** The example's body; `undefined` for an answer without one. */
  body: unknown;
  state: OperationState;
}

/** The contract table of a spec: every named 200 example of every poll endpoint, with its expected state. */
export function contractCases(spec: SpecSource, description: ProviderDescription): ContractCase[] {
  const doc = loadSpecDocument(spec);
  const cases: ContractCase[] = [];
  for (const endpoint of Object.keys(description.endpoints)) {
    const found = findOperation(doc, endpoint);
    const params = { ...pathParamExamples(doc, found), ...queryParamExamples(doc, found) };
    for (const [example, resolved] of responseExamples(doc, found.operation.responses?.["200"])) {
      cases.push({
        endpoint,
        example,
        httpStatus: 200,
        params,
        body: resolved.value,
        state: expectedState(doc["x-opwatch"]?.status ?? {}, example, resolved),
      });
    }
    // A documented answer whose status says the state: without a body (202 while running, 204 when done), that
    // state; with named examples (Snowflake's 202 and 422), each example's, or that state when its body says none.
    const answers: Record<string, OperationState> = doc["x-opwatch"]?.answers ?? {};
    for (const [code, state] of Object.entries(answers)) {
      const response = deref(doc, found.operation.responses?.[code]);
      if (response === undefined) continue;
      if (Object.keys(response.content ?? {}).length === 0) {
        cases.push({ endpoint, example: code, httpStatus: Number(code), params, body: undefined, state });
        continue;
      }
      for (const [example, resolved] of responseExamples(doc, response)) {
        const said = expectedState(doc["x-opwatch"]?.status ?? {}, example, resolved);
        cases.push({
          endpoint,
          example,
          httpStatus: Number(code),
          params,
          body: resolved.value,
          state: said === "unknown" ? state : said,
        });
      }
    }
  }
  return cases;
}

/**
 * Registers the contract tests of one provider package (call it at the top level of a test file): every
 * named example through the normalizer, then the generic provider contract (provider-contract.ts) driven by
 * the table the spec gives (provider-table.ts), all against one Prism.
 */
export function specContract(spec: SpecSource, subject: ContractSubject, options: ProviderTableOptions = {}): void {
  const cases = contractCases(spec, subject.description);
  const table = providerTable(spec, subject.description, options);
  let prism: PrismServer;
  beforeAll(async () => {
    prism = await startPrism(specPath(spec), { route: prismRoute(subject.description) });
  });
  afterAll(async () => {
    await prism?.stop();
  });

  describe(`${subject.description.displayName}: every named example through Prism and the normalizer`, () => {
    it("has at least one named 200 example per poll endpoint", () => {
      for (const endpoint of Object.keys(subject.description.endpoints)) {
        expect(
          cases.some((c) => c.endpoint === endpoint),
          endpoint,
        ).toBe(true);
      }
    });
    for (const c of cases) {
      const what =
        c.body === undefined && c.httpStatus !== 200
          ? `a ${c.httpStatus} answer without a body`
          : `${c.httpStatus === 200 ? "" : `${c.httpStatus} `}example "${c.example}"`;
      it(`${c.endpoint}: ${what} → ${c.state}`, async () => {
        const client = subject.createClient({
          token: "contract-test:token",
          baseUrl: prism.url,
          fetch: preferring(
            c.body === undefined && c.httpStatus !== 200
              ? `code=${c.httpStatus}`
              : `code=${c.httpStatus}, example=${c.example}`,
          ),
        });
        const snapshot = await client.getOperation(c.params, { endpoint: c.endpoint });
        expect(snapshot.httpStatus).toBe(c.httpStatus);
        expect(snapshot.body).toEqual(c.body);
        const status = subject.toStatus(snapshot, client.baseUrl);
        expect(status.state).toBe(c.state);
        expect(status.done).toBe(isTerminal(c.state));
        expect(status.ref).toEqual({
          provider: subject.description.name,
          endpoint: c.endpoint,
          params: c.params,
          baseUrl: prism.url,
        });
        // Where the spec points to the result's URL, a succeeded one reports it (an absolute http(s) URL).
        const resultUrl = subject.description.adapter.resultUrl;
        if (resultUrl !== undefined)
          expect(status.resultUrl).toBe(
            c.state === "succeeded" ? absoluteUrl(readPointer(c.body, resultUrl)) : undefined,
          );
        if (c.state === "failed") expect(status.error?.message).toBeTruthy();
        if (c.state === "succeeded" || c.state === "running" || c.state === "queued")
          expect(status.error).toBeUndefined();
      });
    }
  });

  providerContractSuite(table, subject.createClient, () => prism);
}

/**
 * The state an example stands for, as the spec says it: its `x-opwatch-state`; else its name, when that is
 * a word of the status map (`in_progress`) or a state (`failed`); else what the spec's `status` block says of
 * its body (the rules in order, then the status word), read here from the spec itself.
 */
function expectedState(status: SpecDocument, name: string, example: SpecDocument): OperationState {
  const declared = example["x-opwatch-state"] as OperationState | undefined;
  if (typeof declared === "string") return declared;
  const map: Record<string, SpecDocument> = status.map ?? {};
  const lookup = (word: string | undefined): OperationState | undefined => {
    const key = Object.keys(map).find((k) => k.toLowerCase() === word?.toLowerCase());
    const mapping = key === undefined ? undefined : map[key];
    return mapping === undefined
      ? undefined
      : typeof mapping === "string"
        ? (mapping as OperationState)
        : mapping.state;
  };
  const named = OPERATION_STATES.find((state): state is OperationState => state === name.toLowerCase());
  // A word in a header (`status.header`) is not in the body: such an example says its state, or is unknown.
  const word = status.header === undefined ? readString(example.value, status.pointer) : undefined;
  return (
    lookup(name) ??
    named ??
    ruleState(status, example.value) ??
    lookup(word) ??
    (word !== undefined && status.default !== undefined ? (status.default as OperationState) : undefined) ??
    "unknown"
  );
}

/** The state of the first `status.when` rule a body matches, as specs/README.md defines the rules. */
function ruleState(status: SpecDocument, body: unknown): OperationState | undefined {
  for (const rule of status.when ?? []) {
    if (holds(rule, body)) return rule.state;
  }
  return undefined;
}

/**
 * Whether a condition of a rule holds for a body: `all` of several; else the value at `pointer` equals
 * `equals` (strings case-insensitively), is or is not `present`, or (`entry`) is an array one of whose entries
 * has every field given (a name, or a pointer into the entry).
 */
function holds(condition: SpecDocument, body: unknown): boolean {
  if (Array.isArray(condition.all)) return condition.all.every((part: SpecDocument) => holds(part, body));
  const value = readPointer(body, condition.pointer);
  if ("present" in condition) return (value !== undefined && value !== null) === condition.present;
  if ("entry" in condition) {
    const fields = Object.entries<unknown>(condition.entry ?? {});
    return (
      Array.isArray(value) &&
      value.some(
        (entry) =>
          entry !== null &&
          typeof entry === "object" &&
          fields.every(([name, expected]) =>
            same(
              name.startsWith("/") ? readPointer(entry, name) : readPointer(entry, `/${pointerToken(name)}`),
              expected,
            ),
          ),
      )
    );
  }
  return same(value, condition.equals);
}

/** A property name as one JSON-pointer token. */
const pointerToken = (name: string) => name.replaceAll("~", "~0").replaceAll("/", "~1");

function same(value: unknown, expected: unknown): boolean {
  return typeof value === "string" && typeof expected === "string"
    ? value.trim().toLowerCase() === expected.toLowerCase()
    : value === expected;
}

/**
 * How Prism routes a request: it matches a path parameter to one segment only, so a multi-segment value
 * (`projects/p/operations/o`, sent with its slashes) reaches it with the slashes encoded.
 */
function prismRoute(description: ProviderDescription): ((path: string) => string) | undefined {
  const routes: RegExp[] = [];
  for (const endpoint of Object.values(description.endpoints)) {
    let spans = false;
    const source = endpoint.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return `(${part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")})`;
        const multi = endpoint.pathParams.some((p) => p.name === name && p.multiSegment);
        spans ||= multi;
        return multi ? "(.+?)" : "([^/]*)";
      })
      .join("");
    if (spans) routes.push(new RegExp(`^${source}$`));
  }
  if (routes.length === 0) return undefined;
  return (path) => {
    const [pathname = "", query] = path.split(/\?(.*)/s);
    for (const pattern of routes) {
      const match = pattern.exec(pathname);
      if (!match) continue;
      // Literal parts are odd groups, parameters even ones (split keeps them in order).
      const parts = match.slice(1).map((part, i) => (i % 2 === 1 ? part.replaceAll("/", "%2F") : part));
      return parts.join("") + (query === undefined ? "" : `?${query}`);
    }
    return path;
  };
}

/** An absolute http(s) URL as `URL.href` spells it, or undefined. */
function absoluteUrl(value: unknown): string | undefined {
  return typeof value === "string" && /^https?:\/\/[^/]/i.test(value) ? new URL(value).href : undefined;
}
