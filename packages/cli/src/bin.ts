#!/usr/bin/env node
import { run } from "./cli.js";

const controller = new AbortController();
// First Ctrl-C stops the wait cleanly (exit 130); a second one kills at once.
process.once("SIGINT", () => controller.abort());
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
});
