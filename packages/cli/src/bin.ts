#!/usr/bin/env node
import { run } from "./cli.js";

const controller = new AbortController();
// The first SIGINT or SIGTERM stops the waits cleanly (exit 130 / 143, printing how to resume);
// a second signal exits at once.
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(code);
    controller.abort(signal);
  });
}

// `opwatch … | head` closes the pipe early: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const readStdin = async (): Promise<string> => {
  // `opwatch wait -` typed at a prompt would otherwise sit silent, waiting for the keyboard.
  if (process.stdin.isTTY)
    process.stderr.write("opwatch: reading targets from standard input, one per line; Ctrl-D ends\n");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
  ...(process.stdout.isTTY ? { terminal: process.stdout } : {}),
  stdin: readStdin,
});
