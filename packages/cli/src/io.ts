import type { TerminalStream } from "./display/types.js";
import type { StopSignal } from "./exit-codes.js";
import type { Env } from "./watcher-from-env.js";

/** Where the command line reads and writes: the process's streams in bin.ts, recorders in tests. */
export interface CliIo {
  env: Env;
  /** One line of standard output (no trailing newline). */
  out: (line: string) => void;
  /** One line of standard error. */
  err: (line: string) => void;
  /** Aborted on SIGINT / SIGTERM, with the signal's name as the reason. */
  signal?: AbortSignal;
  /** Standard output when it is a terminal: the live display draws there. */
  terminal?: TerminalStream;
  /** Reads standard input to the end (for the `-` target). */
  stdin?: () => Promise<string>;
  /** The fetch the clients use (tests); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** The signal that stopped us, if one did: the abort reason bin.ts sets. */
export function stopSignal(io: CliIo): StopSignal | undefined {
  const reason = io.signal?.reason;
  return reason === "SIGINT" || reason === "SIGTERM" ? reason : undefined;
}

/** An on/off environment variable (`CI`, `OPWATCH_DEBUG`): on when set to anything but "", "0" or "false" (any case). */
export function envFlag(env: Env, name: string): boolean {
  const value = env[name];
  return value !== undefined && !["", "0", "false"].includes(value.toLowerCase());
}
