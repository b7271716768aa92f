import { parseArgs } from "node:util";
import {
  AbortError,
  OperationFailedError,
  type OperationRef,
  type OperationStatus,
  type OperationTarget,
  TimeoutError,
  ValidationError,
} from "opwatch";
import { parseDuration } from "./duration.js";
import { type Env, TOKEN_VARIABLES, watcherFromEnv } from "./watcher-from-env.js";

export const EXIT = { ok: 0, failed: 1, timeout: 2, error: 3, usage: 64, aborted: 130 } as const;

export const USAGE = `Usage: opwatch <command> <status-url | ref-json> [options]

Commands:
  wait   poll until the operation is done; print each change (exit 0 succeeded, 1 failed/canceled, 2 timeout)
  get    read the operation once and print its status
  ref    print the ref (plain JSON) of a status URL, to resume later with "opwatch wait '<ref>'"

Options:
  --json                 one JSON object per line instead of text
  --timeout <duration>   maximum wait, e.g. 90s, 30m, 1h (default 30m)
  --min-delay <duration> floor between polls (default 1s)
  --max-delay <duration> cap between polls (default 30s)
  --base-url <p>=<url>   base URL of provider p (repeatable); also <P>_BASE_URL, e.g. KEYCARD_BASE_URL
  --region <region>      ECL region (jp1, jp2, us1, uk1, sg1, au1, hk1, de1); also ECL_REGION
  -h, --help             this text

Tokens come from the environment: ${Object.values(TOKEN_VARIABLES).join(", ")}.`;

export interface CliIo {
  env: Env;
  out: (line: string) => void;
  err: (line: string) => void;
  signal?: AbortSignal;
}

/** Runs the command line and resolves with the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`opwatch: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const { command, target, json, timeoutMs, minDelayMs, maxDelayMs, baseUrls, region } = parsed;
  const print = (status: OperationStatus) => io.out(json ? JSON.stringify(toJson(status)) : describe(status));

  try {
    const watcher = watcherFromEnv(io.env, baseUrls, region);
    const ref = watcher.ref(toTarget(target));
    if (command === "ref") {
      io.out(JSON.stringify(ref));
      return EXIT.ok;
    }
    if (command === "get") {
      print(await watcher.get(ref, io.signal ? { signal: io.signal } : {}));
      return EXIT.ok;
    }
    const final = await watcher.wait(ref, {
      ...(io.signal ? { signal: io.signal } : {}),
      ...(timeoutMs === undefined ? {} : { maxWaitMs: timeoutMs }),
      ...(minDelayMs === undefined ? {} : { minDelayMs }),
      ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
      throwOnFailure: false,
      onProgress: print,
    });
    return final.state === "succeeded" ? EXIT.ok : EXIT.failed;
  } catch (error) {
    io.err(`opwatch: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof TimeoutError) return EXIT.timeout;
    if (error instanceof AbortError) return EXIT.aborted;
    if (error instanceof OperationFailedError) return EXIT.failed;
    if (error instanceof ValidationError) return EXIT.usage;
    return EXIT.error;
  }
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      timeout: { type: "string" },
      "min-delay": { type: "string" },
      "max-delay": { type: "string" },
      "base-url": { type: "string", multiple: true },
      region: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { help: true } as const;
  const [command, target, ...extra] = positionals;
  if (command !== "wait" && command !== "get" && command !== "ref") {
    throw new Error(command ? `unknown command "${command}"` : "missing command");
  }
  if (!target) throw new Error(`${command} needs a status URL or a ref`);
  if (extra.length) throw new Error(`unexpected argument "${extra[0]}"`);
  const baseUrls: Record<string, string> = {};
  for (const pair of values["base-url"] ?? []) {
    const at = pair.indexOf("=");
    const name = pair.slice(0, at);
    if (at < 1 || !(name in TOKEN_VARIABLES)) throw new Error(`--base-url takes <provider>=<url>, got "${pair}"`);
    baseUrls[name] = pair.slice(at + 1);
  }
  return {
    help: false,
    command,
    target,
    json: values.json === true,
    timeoutMs: duration("--timeout", values.timeout),
    minDelayMs: duration("--min-delay", values["min-delay"]),
    maxDelayMs: duration("--max-delay", values["max-delay"]),
    baseUrls,
    region: values.region,
  } as const;
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`${flag} takes a duration such as 90s, 30m or 1h, got "${text}"`);
  return ms;
}

function toTarget(text: string): OperationTarget {
  if (!text.trimStart().startsWith("{")) return text;
  try {
    return JSON.parse(text) as OperationRef;
  } catch {
    throw new ValidationError("the ref is not valid JSON; pass a status URL or the output of `opwatch ref`.");
  }
}

function toJson(status: OperationStatus) {
  return {
    provider: status.provider,
    id: status.id,
    state: status.state,
    done: status.done,
    rawStatus: status.rawStatus ?? null,
    progress: status.progress ?? null,
    createdAt: status.createdAt?.toISOString() ?? null,
    updatedAt: status.updatedAt?.toISOString() ?? null,
    error: status.error ?? null,
    resultUrl: status.resultUrl ?? null,
    ref: status.ref,
  };
}

function describe(status: OperationStatus): string {
  const parts = [`${status.provider} ${status.id}`, status.state];
  if (status.progress !== undefined) parts.push(`${Math.round(status.progress * 100)}%`);
  if (status.rawStatus && status.rawStatus !== status.state) parts.push(`(${status.rawStatus})`);
  if (status.error) parts.push(`- ${status.error.code ? `${status.error.code}: ` : ""}${status.error.message}`);
  if (status.resultUrl) parts.push(`-> ${status.resultUrl}`);
  return parts.join(" ");
}
