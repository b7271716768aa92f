import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Core = typeof import("../src/index.js");

/** Two copies of the built core side by side, as npm leaves them after a release (one under opwatch,
 * one under a provider package): each has its own classes. */
const root = mkdtempSync(join(tmpdir(), "opwatch-two-cores-"));
let a: Core;
let b: Core;

async function copyOfCore(name: string): Promise<Core> {
  const dir = join(root, name);
  cpSync(new URL("../dist", import.meta.url), join(dir, "dist"), {
    recursive: true,
    filter: (source) => !source.endsWith(".map"),
  });
  for (const file of readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".js"))) {
    const path = join(dir, "dist", file);
    writeFileSync(path, readFileSync(path, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, ""));
  }
  // The package.json fields the built code needs at run time: its type, and `imports` (`#transport`).
  const { imports } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@opwatch/core", type: "module", imports }));
  symlinkSync(new URL("../node_modules", import.meta.url), join(dir, "node_modules"), "dir");
  return import(/* @vite-ignore */ pathToFileURL(join(dir, "dist", "index.js")).href);
}

beforeAll(async () => {
  a = await copyOfCore("a");
  b = await copyOfCore("b");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("errors across two copies of @opwatch/core", () => {
  it("are distinct classes, yet instanceof holds both ways for every class", () => {
    expect(a.NotFoundError).not.toBe(b.NotFoundError);
    const names = [
      "ValidationError",
      "AuthError",
      "NotFoundError",
      "RateLimitError",
      "ServerError",
      "ApiError",
      "NetworkError",
      "ResponseError",
      "AbortError",
    ] as const;
    for (const name of names) {
      const fromB = new b[name]("x", { httpStatus: 400 });
      const fromA = new a[name]("x", { httpStatus: 400 });
      expect(fromB instanceof a[name]).toBe(true);
      expect(fromA instanceof b[name]).toBe(true);
      expect(fromB instanceof a.OpwatchError).toBe(true);
      expect(fromB instanceof Error).toBe(true);
      for (const other of names.filter((n) => n !== name)) expect(fromB instanceof a[other]).toBe(false);
    }
    expect(new b.TimeoutError("t", undefined) instanceof a.TimeoutError).toBe(true);
    expect(new b.OperationFailedError("f", {}) instanceof a.OperationFailedError).toBe(true);
    expect(new b.TimeoutError("t", undefined) instanceof a.OperationFailedError).toBe(false);
  });

  it("a retryable error from copy B is retryable to code written against copy A", () => {
    const fromB: unknown = new b.ServerError("Acme answered 503.", { httpStatus: 503 });
    const retryable = (error: unknown) => error instanceof a.OpwatchError && error.retryable;
    expect(retryable(fromB)).toBe(true);
    expect(retryable(new b.NotFoundError("gone", { httpStatus: 404 }))).toBe(false);
  });

  it("does not brand look-alikes or an app's own subclasses wrongly", () => {
    expect({ name: "NotFoundError", retryable: false } instanceof a.NotFoundError).toBe(false);
    expect(new Error("x") instanceof a.OpwatchError).toBe(false);
    expect((null as unknown) instanceof a.OpwatchError).toBe(false);
    class GoneError extends a.NotFoundError {}
    expect(new GoneError("g") instanceof GoneError).toBe(true);
    expect(new GoneError("g") instanceof b.NotFoundError).toBe(true);
    expect(new b.NotFoundError("n") instanceof GoneError).toBe(false);
  });
});
