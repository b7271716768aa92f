import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { examplesOf, type ScriptedServer, type ScriptStep, startScriptedServer } from "@opwatch/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT, parseDuration, run } from "../src/index.js";

const TOKEN = "cli-secret-token-0a1b2c3d";
const bt = examplesOf("bentley", "getScheduleOperation", "200");
const OP = "/schedules/s1/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428";
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function cli(args: string[], script: ScriptStep[], env: Record<string, string> = { BENTLEY_TOKEN: TOKEN }) {
  const server = await startScriptedServer("bentley", { operationId: "getScheduleOperation", script });
  servers.push(server);
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(
    args.map((a) => a.replace("$URL", server.url)),
    { env: { ...env, BENTLEY_BASE_URL: server.url }, out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out, err, server };
}

const fast = ["--min-delay", "5ms", "--max-delay", "20ms"];

describe("opwatch wait", () => {
  it("prints each change and exits 0 when the operation succeeds", async () => {
    const { code, out, err } = await cli(
      ["wait", `$URL${OP}`, ...fast],
      [
        { status: 200, body: bt.queued },
        { status: 200, body: bt.started },
        { status: 200, body: bt.succeeded },
      ],
    );
    expect(err).toEqual([]);
    expect(out).toEqual([
      "bentley bdc8fb5d-ce72-42f9-8818-bb2942927428 queued 0% (Queued)",
      "bentley bdc8fb5d-ce72-42f9-8818-bb2942927428 running 43% (Started)",
      "bentley bdc8fb5d-ce72-42f9-8818-bb2942927428 succeeded 100% (Succeeded)",
    ]);
    expect(code).toBe(EXIT.ok);
  });

  it("prints JSON lines with --json", async () => {
    const { code, out } = await cli(["wait", `$URL${OP}`, "--json", ...fast], [{ status: 200, body: bt.succeeded }]);
    expect(code).toBe(0);
    expect(JSON.parse(out[0] ?? "{}")).toMatchObject({
      provider: "bentley",
      state: "succeeded",
      progress: 1,
      done: true,
    });
  });

  it("exits 1 when the operation fails, naming why", async () => {
    const { code, out } = await cli(["wait", `$URL${OP}`, ...fast], [{ status: 200, body: bt.failed }]);
    expect(code).toBe(EXIT.failed);
    expect(out.at(-1)).toContain("failed 100% (Failed) - Failed: An error occurred whilst processing your request.");
  });

  it("exits 2 on timeout", async () => {
    const { code, err } = await cli(
      ["wait", `$URL${OP}`, "--timeout", "100ms", ...fast],
      [{ status: 200, body: bt.started }],
    );
    expect(code).toBe(EXIT.timeout);
    expect(err.join("\n")).toMatch(/not done after 100 ms; last state: running/);
  });

  it("resumes from a ref printed by `opwatch ref`", async () => {
    const first = await cli(["ref", `$URL${OP}`], [{ status: 200, body: bt.succeeded }]);
    expect(first.code).toBe(0);
    const ref = JSON.parse(first.out[0] ?? "{}");
    expect(ref).toMatchObject({
      provider: "bentley",
      params: { scheduleId: "s1", operationId: "bdc8fb5d-ce72-42f9-8818-bb2942927428" },
    });
    const out: string[] = [];
    const code = await run(["get", first.out[0] ?? "", "--json"], {
      env: { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: ref.baseUrl },
      out: (l) => out.push(l),
      err: () => undefined,
    });
    expect(code).toBe(0);
    expect(JSON.parse(out[0] ?? "{}").state).toBe("succeeded");
  });

  it("says which variable to set when the token is missing, and never prints a token", async () => {
    const missing = await cli(["wait", `$URL${OP}`], [{ status: 200, body: bt.succeeded }], {});
    expect(missing.code).toBe(EXIT.error);
    expect(missing.err.join("\n")).toContain("set BENTLEY_TOKEN");
    expect(missing.server.requests).toHaveLength(0);

    const denied = await cli(
      ["get", `$URL${OP}`],
      [{ status: 401, body: examplesOf("bentley", "getScheduleOperation", "401").HeaderNotFound }],
    );
    expect(denied.code).toBe(EXIT.error);
    expect([...denied.out, ...denied.err].join("\n")).not.toContain(TOKEN);
  });

  it("rejects bad usage with exit 64 and the usage text", async () => {
    for (const args of [
      [],
      ["launch", "x"],
      ["wait"],
      ["wait", "u", "--timeout", "soon"],
      ["wait", "u", "--base-url", "x"],
    ]) {
      const err: string[] = [];
      expect(await run(args, { env: {}, out: () => undefined, err: (l) => err.push(l) })).toBe(EXIT.usage);
      expect(err.join("\n")).toContain("Usage: opwatch");
    }
    const err: string[] = [];
    expect(
      await run(["wait", "https://example.org/x"], { env: {}, out: () => undefined, err: (l) => err.push(l) }),
    ).toBe(EXIT.usage);
    expect(err.join("\n")).toContain("is not a status URL of sourcecraft, keycard, bentley, ecl");
  });
});

describe("parseDuration", () => {
  it("reads ms, s, m, h and bare seconds", () => {
    expect([
      parseDuration("1500ms"),
      parseDuration("90s"),
      parseDuration("30m"),
      parseDuration("1h"),
      parseDuration("2"),
    ]).toEqual([1500, 90_000, 1_800_000, 3_600_000, 2000]);
    expect(parseDuration("soon")).toBeUndefined();
  });
});

describe("the installed bin", () => {
  it("prints the usage with --help", () => {
    const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
    const result = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: opwatch <command>");
  });
});
