import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  deref,
  examplesOf,
  findOperation,
  loadSpecDocument,
  parametersOf,
  type SpecDocument,
  type SpecSource,
} from "./spec.js";
import { specValidator } from "./spec-schema.js";

/** One scripted answer. */
export interface ScriptStep {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  /** `Date.now()` when it arrived. */
  at: number;
}

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /**
   * Why answers of the script could not be given (the script threw, or its answer leaves the spec): each
   * such request was answered 500 with the reason. `stop()` rejects when there is one.
   */
  readonly failures: string[];
  /** Closes the server; rejects naming the script's failures, if any, so the test fails on the cause. */
  stop(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** The operationId the script answers for (its response schemas validate every step). */
  operationId: string;
  /** Answers in order; the last one repeats. A function picks the answer per request instead. */
  script: readonly ScriptStep[] | ((request: RecordedRequest, index: number) => ScriptStep);
  /** Refuse requests without this header value (e.g. `{ authorization: "Bearer t" }`) with the spec's 401. */
  requireHeader?: Record<string, string>;
}

/**
 * A loopback HTTP server that plays a script of answers for one operation of a spec. Every answer is
 * checked against the spec before it is sent (status declared, body valid under JSON Schema 2020-12,
 * required headers present): a script that leaves the spec throws instead of testing a fiction. A request
 * without a header parameter the operation requires is answered 400, as the API would.
 */
export async function startScriptedServer(spec: SpecSource, options: ScriptedServerOptions): Promise<ScriptedServer> {
  const doc = loadSpecDocument(spec);
  const found = findOperation(doc, options.operationId);
  const { path, operation } = found;
  const check = responseChecker(doc, operation);
  // A parameter marked `x-opwatch-multi-segment` spans slashes (Google's `projects/p/operations/o`).
  const multi = new Set(
    parametersOf(doc, found, "path")
      .filter((p: SpecDocument) => p["x-opwatch-multi-segment"] === true)
      .map((p: SpecDocument) => p.name),
  );
  // The API refuses a request without a header parameter it requires (Anthropic's `anthropic-version`).
  const requiredHeaders = parametersOf(doc, found, "header")
    .filter((p: SpecDocument) => p.required === true)
    .map((p: SpecDocument) => String(p.name).toLowerCase());
  const pathPattern = new RegExp(
    `^${path
      .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
      .replace(/\{([^}]+)\}/g, (_, name: string) => (multi.has(name) ? ".+" : "[^/]+"))}$`,
  );
  if (Array.isArray(options.script)) {
    for (const [i, step] of options.script.entries()) check(step, `step ${i}`);
  }

  const requests: RecordedRequest[] = [];
  const failures: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
      ),
      at: Date.now(),
    };
    const index = requests.push(recorded) - 1;
    let step: ScriptStep;
    if (!pathPattern.test(new URL(recorded.url, "http://x").pathname)) {
      step = { status: 404, body: { error: `no route ${recorded.url}` } };
    } else if (
      options.requireHeader &&
      Object.entries(options.requireHeader).some(([name, value]) => recorded.headers[name.toLowerCase()] !== value)
    ) {
      step = { status: 401, body: Object.values(examplesOf(spec, options.operationId, "401"))[0] };
    } else if (requiredHeaders.some((name) => recorded.headers[name] === undefined)) {
      const missing = requiredHeaders.filter((name) => recorded.headers[name] === undefined);
      step = { status: 400, body: { error: `missing required header ${missing.join(", ")}` } };
    } else if (typeof options.script === "function") {
      try {
        step = options.script(recorded, index);
        check(step, `answer ${index}`);
      } catch (error) {
        // A script that cannot answer must not leave the client waiting: it gets the reason, and so does the test.
        const reason = `scripted server for ${options.operationId}: answer ${index} failed: ${error instanceof Error ? error.message : String(error)}`;
        failures.push(reason);
        step = { status: 500, body: { error: reason } };
      }
    } else {
      step = options.script[Math.min(index, options.script.length - 1)] as ScriptStep;
    }
    const headers: Record<string, string> = { ...step.headers };
    if (step.body !== undefined) headers["content-type"] ??= mediaTypeOf(doc, operation, step.status);
    res.writeHead(step.status, headers);
    res.end(
      step.body === undefined ? undefined : typeof step.body === "string" ? step.body : JSON.stringify(step.body),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failures,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else if (failures.length > 0) reject(new Error(failures.join("\n")));
          else resolve();
        });
      }),
  };
}

function responseFor(doc: SpecDocument, operation: SpecDocument, status: number): SpecDocument {
  const responses = operation.responses ?? {};
  return deref(doc, responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default);
}

function mediaTypeOf(doc: SpecDocument, operation: SpecDocument, status: number): string {
  return Object.keys(responseFor(doc, operation, status)?.content ?? {})[0] ?? "application/json";
}

function responseChecker(doc: SpecDocument, operation: SpecDocument) {
  const validator = specValidator(doc);
  return (step: ScriptStep, where: string) => {
    const response = responseFor(doc, operation, step.status);
    if (!response) throw new Error(`${where}: status ${step.status} is not declared for ${operation.operationId}`);
    for (const [name, header] of Object.entries<SpecDocument>(response.headers ?? {})) {
      const present = Object.keys(step.headers ?? {}).some((key) => key.toLowerCase() === name.toLowerCase());
      if (deref(doc, header)?.required && !present) throw new Error(`${where}: ${step.status} requires header ${name}`);
    }
    const schema = (Object.values<SpecDocument>(response.content ?? {})[0] as SpecDocument)?.schema;
    if (!schema) {
      if (step.body !== undefined) throw new Error(`${where}: ${step.status} has no body in the spec`);
      return;
    }
    const problems = validator.problems(schema, step.body);
    if (problems.length > 0) throw new Error(`${where}: body is not valid for ${step.status}: ${problems.join("; ")}`);
  };
}
