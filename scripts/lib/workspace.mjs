// @ts-check
// The scripts use the workspace's own code rather than copies of it: @opwatch/core (states, the JSON
// pointer follower, the normalizer) and @opwatch/testkit (the Ajv set-up). Turbo builds both before the
// spec lint and the generator; on a fresh checkout run outside turbo, this builds whatever is missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

for (const name of ["core", "testkit"]) {
  const dir = join(root, "packages", name);
  if (existsSync(join(dir, "dist", "index.js"))) continue;
  const tsc = require.resolve("typescript/bin/tsc");
  const built = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.build.json")], { stdio: "inherit" });
  if (built.status !== 0) throw new Error(`could not build packages/${name} (tsc exit ${built.status})`);
}

export const core = await import("@opwatch/core");
/** The description interpreter (`stateOf`, …), for checks that read a spec before any code is generated. */
export const described = await import("@opwatch/core/described");
export const testkit = await import("@opwatch/testkit");
