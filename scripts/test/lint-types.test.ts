// scripts/lint-types.mjs: attw's esm-only profile over a package, here on made-up packages in memory.
import { Package } from "@arethetypeswrong/core";
import { describe, expect, it } from "vitest";
import { typeProblems } from "../lint-types.mjs";

const files = (json: object, extra: Record<string, string>) =>
  Object.fromEntries(
    Object.entries({ "package.json": JSON.stringify(json), ...extra }).map(([path, text]) => [
      `/node_modules/demo/${path}`,
      text,
    ]),
  );
const esm = {
  name: "demo",
  version: "1.0.0",
  type: "module",
  exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
};

describe("lint-types: attw, profile esm-only", () => {
  it("passes an ESM-only package typed right (its require() from CommonJS is not held against it)", async () => {
    const pkg = new Package(
      files(esm, { "index.js": "export const x = 1;\n", "index.d.ts": "export declare const x: number;\n" }),
      "demo",
      "1.0.0",
    );
    expect(await typeProblems(pkg)).toEqual({ entrypoints: ["."], problems: [] });
  });

  it("reports types that say CommonJS for an ES module (FalseCJS)", async () => {
    const json = { ...esm, exports: { ".": { types: "./index.d.cts", default: "./index.js" } } };
    const pkg = new Package(
      files(json, { "index.js": "export const x = 1;\n", "index.d.cts": "export declare const x: number;\n" }),
      "demo",
      "1.0.0",
    );
    const { problems } = await typeProblems(pkg);
    expect(problems).toEqual([expect.stringMatching(/^FalseCJS: .*index\.d\.cts/)]);
  });

  it("reports a package without types (attw itself lets that pass; every public package here ships them)", async () => {
    const json = { ...esm, exports: { ".": "./index.js" } };
    const { problems } = await typeProblems(new Package(files(json, { "index.js": "export {};\n" }), "demo", "1.0.0"));
    expect(problems).toEqual(["no types found"]);
  });
});
