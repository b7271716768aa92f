import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { examplesOf, type ScriptedServer, type ScriptStep, startScriptedServer } from "@opwatch/testkit";
import { afterEach } from "vitest";
import { type CliIo, run } from "../src/index.js";

export const TOKEN = "cli-secret-token-0a1b2c3d";
export const bt = examplesOf("bentley", "getScheduleOperation", "200");
export const btError = examplesOf("bentley", "getScheduleOperation", "default").InternalServerError;
export const OP_ID = "bdc8fb5d-ce72-42f9-8818-bb2942927428";
export const OP = `/schedules/s1/operations/${OP_ID}`;
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
/** Fast pacing for tests (the server answers at once). */
export const fast = ["--min-delay", "5ms", "--max-delay", "20ms"];

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

export async function bentleyServer(
  script: ScriptStep[] | ((index: number, url: string) => ScriptStep),
): Promise<ScriptedServer> {
  const server = await startScriptedServer("bentley", {
    operationId: "getScheduleOperation",
    script: typeof script === "function" ? (request, index) => script(index, request.url) : script,
  });
  servers.push(server);
  return server;
}

export interface Ran {
  code: number;
  out: string[];
  err: string[];
}

/** Runs the CLI in-process; `$URL` in an argument becomes the server's URL. */
export async function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    url?: string;
    stdin?: string;
    fetch?: typeof fetch;
    signal?: AbortSignal;
  } = {},
): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: options.env ?? { BENTLEY_TOKEN: TOKEN, ...(options.url ? { BENTLEY_BASE_URL: options.url } : {}) },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ...(options.stdin === undefined ? {} : { stdin: async () => options.stdin ?? "" }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await run(
    args.map((a) => (options.url ? a.replaceAll("$URL", options.url) : a)),
    io,
  );
  return { code, out, err };
}

/** The environment of a child process: nothing of ours (no CI), plus `extra`. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", LANG: "C.UTF-8", ...extra };
}

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns a command and collects its output; `onStdout` sees each chunk (to send a signal at the right time). */
export function spawnCollect(
  command: string,
  args: string[],
  env: Record<string, string>,
  onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void,
  stdin?: string,
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

/** Runs `node bin.js args` under a pseudo-terminal (util-linux `script`); what it draws comes back as stdout. */
export function inTerminal(args: string[], env: Record<string, string>): Promise<Spawned> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  // A pty nobody sized reports 0x0; give it a common size.
  const command = `stty cols 120 rows 40 2>/dev/null; exec ${[process.execPath, BIN, ...args].map(quote).join(" ")}`;
  return spawnCollect("script", ["-qfec", command, "/dev/null"], childEnv({ TERM: "xterm-256color", ...env }));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape codes is the point
export const ESCAPE = /\u001b/;
