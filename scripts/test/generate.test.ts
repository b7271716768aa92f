import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderPackage } from "../generator/render-package.mjs";
import { loadSpec } from "../generator/spec.mjs";
import { providerDir } from "../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const generate = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, "scripts", "generate.mjs"), "--root", dir, ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "" },
  });

/** A provider package's folder (or a file in it) under a checkout: <dir>/packages/providers/<name>/… */
const provider = (dir: string, name: string, ...path: string[]) => join(dir, ...providerDir(name).split("/"), ...path);
const PROVIDERS = readdirSync(join(root, "specs"))
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => file.slice(0, -".yaml".length));

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A scratch checkout holding the specs and the generated packages (sources only). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "opwatch-generate-"));
  temps.push(dir);
  cpSync(join(root, "specs"), join(dir, "specs"), { recursive: true });
  for (const name of PROVIDERS) {
    for (const part of [
      "src",
      "test",
      "package.json",
      "README.md",
      "LICENSE",
      "tsconfig.json",
      "tsconfig.build.json",
    ]) {
      cpSync(provider(root, name, part), provider(dir, name, part), { recursive: true });
    }
  }
  for (const part of ["package.json", join("src", "generated")]) {
    cpSync(join(root, "packages", "cli", part), join(dir, "packages", "cli", part), { recursive: true });
  }
  return dir;
}

// Each case spawns the generator (openapi-typescript included) a few times: slow on a loaded 2-core machine.
describe("the generator", { timeout: 120_000 }, () => {
  it("is deterministic: rendering a spec twice gives the same bytes", async () => {
    const spec = await loadSpec(join(root, "specs", "ecl.yaml"));
    const first = await renderPackage(spec, { version: "1.2.3" });
    const second = await renderPackage(await loadSpec(join(root, "specs", "ecl.yaml")), { version: "1.2.3" });
    expect(second).toEqual(first);
    expect(JSON.parse(first["package.json"] ?? "{}").version).toBe("1.2.3");
  });

  it("writes nothing on a second run, and --check passes on the committed packages", () => {
    const dir = scratch();
    expect(generate(dir).stdout).toContain("0 file(s) written");
    const check = generate(dir, "--check");
    expect(check.status).toBe(0);
  });

  it("--check fails and names the file when a generated file was edited by hand", () => {
    const dir = scratch();
    const file = provider(dir, "bentley", "src", "generated", "description.ts");
    writeFileSync(file, `${readFileSync(file, "utf8")}// hand edit\n`);
    const check = generate(dir, "--check");
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("packages/providers/bentley/src/generated/description.ts");
    expect(readFileSync(file, "utf8")).toContain("// hand edit");
  });

  it("--check fails when a spec changed but the package was not regenerated, and generate repairs it", () => {
    const dir = scratch();
    const spec = join(dir, "specs", "sourcecraft.yaml");
    writeFileSync(
      spec,
      readFileSync(spec, "utf8").replace("displayName: SourceCraft", "displayName: SourceCraft Cloud"),
    );
    expect(generate(dir, "--check").status).toBe(1);
    expect(generate(dir).status).toBe(0);
    expect(generate(dir, "--check").status).toBe(0);
    expect(readFileSync(provider(dir, "sourcecraft", "src", "generated", "description.ts"), "utf8")).toContain(
      '"displayName": "SourceCraft Cloud"',
    );
  });

  it("creates a whole package from a new spec alone", () => {
    const dir = scratch();
    const source = readFileSync(join(dir, "specs", "sourcecraft.yaml"), "utf8");
    writeFileSync(join(dir, "specs", "acme.yaml"), source.replace("displayName: SourceCraft", "displayName: Acme"));
    expect(generate(dir).status).toBe(0);
    // …in packages/providers/acme, with metadata and tsconfigs that know it sits there.
    expect(existsSync(join(dir, "packages", "acme"))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, "packages", "providers", "acme", "package.json"), "utf8"));
    expect(pkg.name).toBe("@opwatch/acme");
    expect(pkg.repository.directory).toBe("packages/providers/acme");
    expect(pkg.homepage).toBe("https://github.com/opwatch/opwatch/tree/main/packages/providers/acme#readme");
    for (const tsconfig of ["tsconfig.json", "tsconfig.build.json"]) {
      const extended = JSON.parse(readFileSync(provider(dir, "acme", tsconfig), "utf8")).extends;
      expect(resolve(provider(dir, "acme"), extended), tsconfig).toBe(join(dir, "tsconfig.base.json"));
    }
    const index = readFileSync(provider(dir, "acme", "src", "generated", "index.ts"), "utf8");
    expect(index).toContain("export const acme = provider as ProviderModule<AcmeClientOptions>;");
    // Only what the spec says: the generic part is core's helper.
    expect(index.trimEnd().split("\n").length).toBeLessThanOrEqual(45);
    expect(pkg.scripts.test).toContain("vitest run");
    const contract = readFileSync(provider(dir, "acme", "test", "spec-contract.test.ts"), "utf8");
    expect(contract).toContain('const spec = new URL("../../../../specs/acme.yaml", import.meta.url);');
    expect(contract).toContain("specContract(spec, { createClient, description, toStatus });");
    // The CLI reaches it with no edit to packages/cli: registry and dependency are generated.
    const registry = readFileSync(join(dir, "packages", "cli", "src", "generated", "providers.ts"), "utf8");
    expect(registry).toContain('import { acme, description as acmeDescription } from "@opwatch/acme";');
    expect(registry).toContain('  "acme": acmeDescription,');
    expect(registry).toContain("export const providers = [acme, bentley, ecl, keycard, sourcecraft] as const;");
    const cli = JSON.parse(readFileSync(join(dir, "packages", "cli", "package.json"), "utf8"));
    expect(cli.dependencies["@opwatch/acme"]).toBe("workspace:^");
    expect(generate(dir, "--check").status).toBe(0);
    // …and removing the spec takes it out again.
    rmSync(join(dir, "specs", "acme.yaml"));
    expect(generate(dir).status).toBe(0);
    expect(readFileSync(join(dir, "packages", "cli", "src", "generated", "providers.ts"), "utf8")).not.toContain(
      "acme",
    );
    expect(
      JSON.parse(readFileSync(join(dir, "packages", "cli", "package.json"), "utf8")).dependencies,
    ).not.toHaveProperty("@opwatch/acme");
  });

  it("refuses a provider package left at the old place, packages/<name>", () => {
    const dir = scratch();
    mkdirSync(join(dir, "packages", "ecl"));
    cpSync(provider(dir, "ecl", "package.json"), join(dir, "packages", "ecl", "package.json"));
    for (const args of [[], ["--check"]]) {
      const result = generate(dir, ...args);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("packages/ecl/ holds a provider package; it belongs in packages/providers/ecl/");
    }
  });

  it("keeps each generated index.ts to what is provider-specific (at most 45 lines)", () => {
    for (const name of PROVIDERS) {
      const index = readFileSync(provider(root, name, "src", "generated", "index.ts"), "utf8");
      expect(index.trimEnd().split("\n").length, name).toBeLessThanOrEqual(45);
    }
  });

  it("type-checks the generator and the spec lint against core's description types", () => {
    const tsc = spawnSync(
      process.execPath,
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "scripts", "tsconfig.json")],
      { encoding: "utf8" },
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });

  it("types open enums as known literals plus any string", () => {
    const schema = readFileSync(provider(root, "ecl", "src", "generated", "schema.ts"), "utf8");
    expect(schema).toContain('OperationStatus: components["schemas"]["KnownOperationStatus"] | (string & {});');
    expect(schema).toMatch(/KnownOperationStatus: "PROCESSING" \| "STUCK" \| "COMPLETE" \| "ERROR";/);
  });

  it("reads a spec saved as JSON with a byte-order mark and CRLF line ends, and keeps only servers with a host", async () => {
    const dir = scratch();
    const file = join(dir, "specs", "ecl.yaml");
    const doc = parseYaml(readFileSync(file, "utf8"));
    const relative = { ...doc, servers: [{ url: "/api/v1" }, ...doc.servers] };
    writeFileSync(file, `\uFEFF${JSON.stringify(relative, null, 2).replace(/\n/g, "\r\n")}`);
    const { description } = await loadSpec(file);
    expect(description.servers.map((server) => server.url)).toEqual(
      doc.servers.map((server: { url: string }) => server.url),
    );
    // None at all: every client then asks for the baseUrl option.
    writeFileSync(file, JSON.stringify({ ...doc, servers: [{ url: "/relative" }] }));
    expect((await loadSpec(file)).description.servers).toEqual([]);
  });

  it("explains a spec without x-opwatch", async () => {
    const dir = scratch();
    const file = join(dir, "specs", "sourcecraft.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("x-opwatch:", "x-not-opwatch:"));
    await expect(loadSpec(file)).rejects.toThrow(
      "sourcecraft.yaml#/x-opwatch: missing the top-level x-opwatch extension",
    );
  });

  it("sends a required header parameter with the one value its schema allows, and refuses one it cannot fill", async () => {
    const file = join(root, "scripts", "test", "real-apis", "anthropic-message-batches.yaml");
    const { description } = await loadSpec(file);
    expect(description.endpoints.beta_message_batches_retrieve?.headers).toEqual({
      "anthropic-version": "2023-06-01",
    });
    const dir = scratch();
    const open = join(dir, "specs", "anthropic.yaml");
    writeFileSync(
      open,
      readFileSync(file, "utf8").replace('schema: { type: string, enum: ["2023-06-01"] }', "schema: { type: string }"),
    );
    await expect(loadSpec(open)).rejects.toThrow(
      /the header parameter anthropic-version is required but its schema names no value to send; give it a `default`/,
    );
  });
});
