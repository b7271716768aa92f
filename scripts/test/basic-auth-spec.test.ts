// A spec whose poll endpoint is secured with HTTP Basic generates a provider that sends it; other specs' code
// carries none of it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { renderProvider } from "../generator/compile/index.mjs";
import { loadSpec } from "../generator/spec.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(join(tmpdir(), "opwatch-basic-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** specs/ecl.yaml with its security scheme replaced by `scheme`, loaded as the generator does. */
function eclWith(scheme: Record<string, unknown>) {
  const doc = parse(readFileSync(join(root, "specs", "ecl.yaml"), "utf8"));
  doc.components.securitySchemes.tokenAuth = scheme;
  const file = join(dir, "ecl.yaml");
  writeFileSync(file, stringify(doc));
  return loadSpec(file);
}

describe("HTTP Basic security schemes", () => {
  it("an http basic scheme (any case) becomes auth basic, and only its provider code carries the encoding", async () => {
    for (const scheme of ["basic", "Basic"]) {
      const spec = await eclWith({ type: "http", scheme, description: "Account SID and auth token." });
      expect(spec.description.auth).toEqual({ type: "basic" });
      expect(renderProvider(spec, "")).toContain("basicAuth: basicHeader");
    }
    const bearer = await eclWith({ type: "http", scheme: "bearer", description: "A token." });
    expect(bearer.description.auth).toEqual({ type: "bearer" });
    expect(renderProvider(bearer, "")).not.toContain("basicHeader");
  });

  it("an apiKey in the query is still refused, naming the schemes that are supported", async () => {
    await expect(eclWith({ type: "apiKey", in: "query", name: "key" })).rejects.toThrow(
      /http bearer or basic, OAuth 2, OpenID Connect or apiKey-in-header/,
    );
  });
});
