import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { checkConventions, missingDescriptions } from "../spec-lint/check-conventions.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const lintSpecs = (...files: string[]) =>
  spawnSync(process.execPath, [join(root, "scripts", "lint-specs.mjs"), ...files], { encoding: "utf8", cwd: root });

describe("pnpm lint:specs", { timeout: 60_000 }, () => {
  it("passes on every spec in specs/", () => {
    const result = lintSpecs();
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/4 spec\(s\) clean; \d+ examples valid/);
  });

  it("passes on the real APIs' specs written from their references (OpenAPI 3.0 and 3.1)", () => {
    const dir = join(root, "scripts", "test", "real-apis");
    const files = readdirSync(dir).filter((name) => name.endsWith(".yaml"));
    const result = lintSpecs(...files.map((name) => join(dir, name)));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${files.length} spec(s) clean`);
  });

  it("is strict on the poll endpoints and only reports the rest of a published spec", () => {
    const dir = mkdtempSync(join(tmpdir(), "opwatch-lint-scope-"));
    try {
      const doc = parse(readFileSync(join(root, "scripts", "test", "real-apis", "digitalocean-actions.yaml"), "utf8"));
      // Elsewhere in the spec: no summary, no error response, an example against its schema, a pattern
      // that is no ECMAScript regular expression.
      doc.paths["/v2/other/{id}"] = {
        get: {
          operationId: "other_get",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "(?i)^x$" } }],
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { type: "integer" }, example: "not a number" } },
            },
          },
        },
      };
      const file = join(dir, "scoped.yaml");
      writeFileSync(file, stringify(doc));
      const clean = lintSpecs(file);
      expect(clean.status, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stderr).toMatch(/problem\(s\) outside the poll endpoints and what they reach, reported, not fatal/);
      // In the poll endpoint, what opwatch relies on is fatal: a pattern the client cannot compile, an
      // example against its schema; how the spec documents itself (a summary) is a warning.
      const poll = doc.paths["/v2/actions/{action_id}"].get;
      poll.summary = undefined;
      writeFileSync(file, stringify(doc));
      const documented = lintSpecs(file);
      expect(documented.status, documented.stdout + documented.stderr).toBe(0);
      expect(documented.stderr).toMatch(
        / warning operation-summary: .*\(#\/paths\/~1v2~1actions~1\{action_id\}\/get\/summary\)/,
      );
      poll.parameters[0].schema.pattern = "(?i)^[0-9]+$";
      const media = Object.values<{ examples: Record<string, { value: { action: { id: unknown } } }> }>(
        poll.responses["200"].content,
      )[0];
      const first = Object.values(media?.examples ?? {})[0];
      if (first) first.value.action.id = "not a number";
      writeFileSync(file, stringify(doc));
      const strict = lintSpecs(file);
      expect(strict.status).toBe(1);
      expect(strict.stderr).toMatch(/ error no-invalid-media-type-examples: /);
      expect(strict.stderr).toMatch(/schema\/pattern: is not an ECMAScript regular expression/);
      expect(strict.stderr).not.toMatch(/at .*\.mjs:\d+/); // a message, not a stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("only reports an OpenAPI 3.1 spec's webhooks, which opwatch never reads", () => {
    const dir = mkdtempSync(join(tmpdir(), "opwatch-lint-webhooks-"));
    try {
      const doc = parse(
        readFileSync(join(root, "scripts", "test", "real-apis", "anthropic-message-batches.yaml"), "utf8"),
      );
      // As OpenAI's published spec has them: no summary, no error response.
      doc.webhooks = {
        batch_completed: { post: { requestBody: { content: {} }, responses: { "200": { description: "ok" } } } },
      };
      const file = join(dir, "webhooks.yaml");
      writeFileSync(file, stringify(doc));
      const linted = lintSpecs(file);
      expect(linted.status, linted.stdout + linted.stderr).toBe(0);
      expect(linted.stderr).toMatch(/problem\(s\) outside the poll endpoints and what they reach, reported, not fatal/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails on a deliberately broken spec, naming each broken rule", () => {
    const result = lintSpecs(join(root, "scripts", "test", "fixtures", "broken.yaml"));
    const output = result.stdout + result.stderr;
    expect(result.status).toBe(1);
    for (const rule of [
      "operation-operationId",
      "rule/error-response-declared",
      "no-invalid-media-type-examples",
      "no-unused-components",
      "security-defined",
    ]) {
      expect(output).toContain(rule);
    }
    // The JSON Schema 2020-12 pass reports the same bad example on its own.
    expect(output).toMatch(/examples\/wrongType: example does not match its schema \(\/status must be string\)/);
  });
});

describe("the conventions check (x-opwatch schema, pointers, named examples, descriptions)", () => {
  const bentley = () => parse(readFileSync(join(root, "specs", "bentley.yaml"), "utf8"));

  it("passes every spec in specs/", () => {
    for (const name of ["bentley", "ecl", "keycard", "sourcecraft"]) {
      expect(checkConventions(parse(readFileSync(join(root, "specs", `${name}.yaml`), "utf8"))), name).toEqual([]);
    }
  });

  it("points at the offending x-opwatch key: unknown keys, unknown states, bad rules", () => {
    const doc = bentley();
    doc["x-opwatch"].status.mapp = {};
    expect(checkConventions(doc)).toContain("x-opwatch/status/mapp: is not a known key");
    const states = bentley();
    states["x-opwatch"].status.map.Queued = "waiting";
    expect(checkConventions(states).join("\n")).toMatch(/^x-opwatch\/status\/map\/Queued: /m);
    const rules = bentley();
    rules["x-opwatch"].status.when = [{ pointer: "/operation/status", state: "running" }];
    expect(checkConventions(rules).join("\n")).toMatch(/^x-opwatch\/status\/when\/0: must match exactly one schema/m);
  });

  it("requires every pointer to resolve in the 200 schema", () => {
    const doc = bentley();
    doc["x-opwatch"].createdAt = "/operation/created";
    expect(checkConventions(doc)).toContain(
      'x-opwatch/createdAt: "/operation/created" does not resolve in the 200 schema of getScheduleOperation',
    );
  });

  it("requires a named example for every mapped status value and every rule", () => {
    const doc = bentley();
    const media = doc.paths["/schedules/{scheduleId}/operations/{operationId}"].get.responses["200"].content;
    const examples = (Object.values(media)[0] as { examples: Record<string, unknown> }).examples;
    delete examples.failed;
    doc["x-opwatch"].status.when = [{ pointer: "/operation/paused", equals: true, state: "queued" }];
    const problems = checkConventions(doc);
    expect(problems).toContain("x-opwatch/status/map/Failed: no named 200 example of a poll endpoint has this status");
    expect(problems).toContain(
      "x-opwatch/status/when/0: no named 200 example of a poll endpoint matches this rule first",
    );
  });

  it("accepts x-opwatch-status only as an HTTP error status on an example of a default response", () => {
    const sourcecraft = () => parse(readFileSync(join(root, "specs", "sourcecraft.yaml"), "utf8"));
    const examplesOfDefault = (doc: ReturnType<typeof sourcecraft>) => {
      const content = doc.components.responses.Error?.content ?? {};
      return (Object.values(content)[0] as { examples: Record<string, Record<string, unknown>> }).examples;
    };
    const bad = sourcecraft();
    const examples = examplesOfDefault(bad);
    const [name, example] = Object.entries(examples)[0] ?? ["", {}];
    example["x-opwatch-status"] = 200;
    expect(checkConventions(bad).join("\n")).toMatch(
      new RegExp(`/responses/default/content/[^ ]+/examples/${name}/x-opwatch-status: must be an HTTP error status`),
    );
    example["x-opwatch-status"] = "404";
    expect(checkConventions(bad).join("\n")).toMatch(/x-opwatch-status: must be an HTTP error status .*got "404"/);

    const onStatus = bentley();
    const get = onStatus.paths["/schedules/{scheduleId}/operations/{operationId}"].get;
    const media404 = Object.values(get.responses["404"].content)[0] as {
      examples: Record<string, Record<string, unknown>>;
    };
    const first404 = Object.values(media404.examples)[0] ?? {};
    first404["x-opwatch-status"] = 404;
    expect(checkConventions(onStatus).join("\n")).toMatch(
      /responses\/404\/.*x-opwatch-status: only an example of the default response may say its status/,
    );
  });

  it("warns, without failing, on a named schema or a property without a description", () => {
    const doc = bentley();
    type Schema = { description?: string; $ref?: string; properties?: Record<string, Schema> };
    const plain = (s: Schema) => Object.entries(s.properties ?? {}).find(([, p]) => p.description && !p.$ref);
    const [name, schema] = Object.entries<Schema>(doc.components.schemas).find(([, s]) => plain(s)) ?? ["", {}];
    delete schema.description;
    const [property] = plain(schema) ?? [""];
    delete schema.properties?.[property]?.description;
    const warnings = missingDescriptions(doc, undefined);
    expect(warnings).toContain(`#/components/schemas/${name}: schema has no description`);
    expect(warnings).toContain(`#/components/schemas/${name}/properties/${property}: property has no description`);
    expect(checkConventions(doc)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), "opwatch-undescribed-"));
    try {
      const file = join(dir, "bentley.yaml");
      writeFileSync(file, stringify(doc));
      const run = lintSpecs(file);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(`#/components/schemas/${name}: schema has no description (a warning`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
