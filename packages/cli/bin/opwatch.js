#!/usr/bin/env node
// The `opwatch` command: the built CLI (dist/bin.js). This file is not built, so the command exists as soon
// as the package is installed, also in a checkout of the repository before `pnpm build` made dist/.
import("../dist/bin.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/bin.js")) {
    process.stderr.write("opwatch: the CLI is not built; run pnpm build at the repository's root first\n");
    process.exit(1);
  }
  throw error;
});
