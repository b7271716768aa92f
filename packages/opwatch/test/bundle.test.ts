// Tree-shaking: an app that registers one provider must not bundle the other three, nor the typed
// openapi-fetch client it does not use.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    write: false,
    treeShaking: true,
  });
  return result.outputFiles[0]?.text ?? "";
}

const markers = {
  sourcecraft: "api.sourcecraft.tech",
  keycard: "catalog_tasks",
  bentley: "itwin-platform",
  ecl: "virtual-network-appliance",
};

describe("bundling", () => {
  it.each(Object.keys(markers))("an app using only %s bundles no other provider", async (name) => {
    const code = await bundle(`
      import { createWatcher, register } from "opwatch";
      import { ${name} } from "@opwatch/${name}";
      const watcher = createWatcher({ providers: [register(${name}, { token: "t", baseUrl: "https://x.test" })] });
      export const run = (url) => watcher.wait(url);
    `);
    for (const [other, marker] of Object.entries(markers)) {
      if (other === name) expect(code).toContain(marker);
      else expect(code).not.toContain(marker);
    }
    // openapi-fetch's query serializer styles: the poll path reads through core's lean reader.
    expect(code).not.toContain("pipeDelimited");
  });
});
