// The durable commands, for the CLI to call (`opwatch enqueue`, `worker`, `outcomes`; the operator's are
// in operator-commands.ts): each takes parsed options, the watcher the CLI built from
// the environment, and the CLI's io; each resolves with an exit code and never throws. The database
// comes from DATABASE_URL.
import { type OperationTarget, OpwatchError } from "opwatch";
import { describeEvent, describeOutcome, eventJson } from "./command-output.js";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import { createDurableWatcher, type DurableWatcher, type DurableWatcherOptions } from "./durable.js";
import type { Outcome } from "./outcome.js";
import type { WorkerEvent } from "./worker-events.js";

/** Exit codes, as the CLI's. */
export const COMMAND_EXIT = { ok: 0, error: 3, usage: 64 } as const;

/** Where a command writes, one line at a time, and the environment it reads. */
export interface CommandIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Writes one line of standard output. */
  out: (line: string) => void;
  /** Writes one line of standard error. */
  err: (line: string) => void;
  /** Ends `worker` and `outcomes --follow` (the CLI aborts it on SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/** What a command runs with: the watcher, the io, and the database (a connection string, or a durable watcher in tests). */
export interface CommandContext {
  /** The watcher the CLI builds from the environment (tokens, base URLs, region). */
  watcher: Pick<StepWatcher, "ref"> & Partial<StepWatcher>;
  io: CommandIo;
  /**
   * The Postgres connection string, when the caller has already read and checked it (the CLI does, before
   * it loads this package); `io.env.DATABASE_URL` when absent. Read once per command, here.
   */
  connectionString?: string;
  /**
   * The durable watcher to use instead of one made from the connection string, left running for the caller to
   * stop (the CLI opens its own first, to say what to check when the database cannot be opened; tests).
   */
  durable?: DurableWatcher;
  /** Passed to createDurableWatcher (schema, maxInFlightPerOrigin, …). */
  options?: Omit<DurableWatcherOptions, "watcher" | "connectionString" | "pool">;
}

export interface EnqueueCommandOptions extends DurableStepOptions {
  /** Status URLs, refs as JSON text, or refs (e.g. the CLI's already resolved targets). */
  targets: readonly (string | OperationTarget)[];
  json?: boolean;
}

/** Options of `opwatch worker` ({@link workerCommand}). */
export interface WorkerCommandOptions {
  /** Poll steps at once in this process (default 16). */
  concurrency?: number;
  json?: boolean;
  /**
   * The providers this worker can poll (the CLI passes those whose token is set); the waits of the
   * others are left to workers that can. `skipped` says why each other one is not polled.
   */
  providers?: readonly string[];
  skipped?: readonly { provider: string; reason: string }[];
}

/** Options of `opwatch outcomes` ({@link outcomesCommand}). */
export interface OutcomesCommandOptions {
  /** Keep printing outcomes as they are recorded, until the signal aborts. */
  follow?: boolean;
  json?: boolean;
  /** Only outcomes after this position (the `seq` printed with each). */
  after?: number;
  /** At most this many (without --follow; default 1000). */
  limit?: number;
}

/** The help text of the durable commands for a CLI to print. */
export const DURABLE_USAGE = `Durable waits (Postgres; set DATABASE_URL):
  enqueue <status-url | ref-json>...  store the waits; workers poll them (same operation twice = one wait)
  worker                              run poll steps until stopped (Ctrl-C); run as many as you like, anywhere
  outcomes [--follow] [--json]        print recorded outcomes (--after <seq> to resume, --follow to keep going)
  waits [--all | --ended]             list stored waits, oldest first (--provider, --older-than)
  cancel <id | status-url>...         end pending waits now, with a canceled outcome
  retry [<id | status-url>...]        start ended waits again (default: every wait that ended in error)
  prune --older-than <duration>       delete ended waits and their outcomes
  stats                               counts, backlog, lag and throughput`;

/** `opwatch enqueue <url|ref>…` */
export function enqueueCommand(options: EnqueueCommandOptions, context: CommandContext): Promise<number> {
  const { targets, json = false, ...stepOptions } = options;
  return guarded(context, json, async (durable) => {
    if (!targets?.length) {
      fail(context.io, json, COMMAND_EXIT.usage, "UsageError", "enqueue needs at least one status URL or ref.");
      return COMMAND_EXIT.usage;
    }
    const results = await durable.enqueueAll(targets.map(parseTarget), stepOptions);
    for (const result of results) {
      context.io.out(
        json
          ? JSON.stringify(result)
          : `${result.created ? "enqueued" : "already enqueued"} ${result.id} ${result.ref.provider} ${Object.values(result.ref.params).join("/")}`,
      );
    }
    return COMMAND_EXIT.ok;
  });
}

/** `opwatch worker`: runs until `io.signal` aborts, then finishes the steps in flight. */
export function workerCommand(options: WorkerCommandOptions, context: CommandContext): Promise<number> {
  const json = options.json ?? false;
  return guarded(context, json, async (durable) => {
    const { io } = context;
    const say = (event: WorkerEvent) => {
      const line = json ? JSON.stringify(eventJson(event)) : describeEvent(event);
      if (event.type === "error") io.err(line);
      else io.out(line);
    };
    if (options.providers?.length === 0) {
      const why = (options.skipped ?? []).map((s) => `${s.provider}: ${s.reason}`).join("; ");
      fail(io, json, COMMAND_EXIT.usage, "UsageError", `this worker can poll no provider${why ? ` (${why})` : ""}.`);
      return COMMAND_EXIT.usage;
    }
    const worker = await durable.work({
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.providers === undefined ? {} : { providers: options.providers }),
      onEvent: (event) => {
        if (event.type === "claimed" || event.type === "committed") return;
        // A step that ends its wait is followed by the wait's outcome: as text, the outcome line says it once.
        if (!json && event.type === "step" && event.outcome !== "pending") return;
        say(event);
      },
    });
    // Said at start: the waits of these providers are left to workers that can poll them.
    for (const { provider, reason } of options.skipped ?? []) say({ type: "unpollable", provider, reason });
    if (!json) io.out(`opwatch worker: polling (${options.concurrency ?? 16} at once); Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      if (!io.signal) return; // without a signal it runs for the life of the process
      if (io.signal.aborted) resolve();
      io.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await worker.stop();
    const { steps, outcomes } = worker.stats;
    if (!json) io.out(`opwatch worker: stopped after ${steps} step(s), ${outcomes} outcome(s).`);
    return COMMAND_EXIT.ok;
  });
}

/** `opwatch outcomes [--follow] [--json]` */
export function outcomesCommand(options: OutcomesCommandOptions, context: CommandContext): Promise<number> {
  return guarded(context, options.json ?? false, async (durable) => {
    const print = (outcome: Outcome) =>
      context.io.out(options.json ? JSON.stringify(outcome) : describeOutcome(outcome));
    if (options.follow) {
      for await (const outcome of durable.follow({
        ...(options.after === undefined ? {} : { after: options.after }),
        ...(context.io.signal ? { signal: context.io.signal } : {}),
      })) {
        print(outcome);
      }
      return COMMAND_EXIT.ok;
    }
    const list = await durable.outcomes({
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    for (const outcome of list) print(outcome);
    return COMMAND_EXIT.ok;
  });
}

export async function guarded(
  context: CommandContext,
  json: boolean,
  run: (durable: DurableWatcher) => Promise<number>,
): Promise<number> {
  const { io } = context;
  const connectionString = context.connectionString ?? io.env.DATABASE_URL;
  let durable = context.durable;
  const own = !durable;
  try {
    if (!durable) {
      if (!connectionString) {
        const message = "set DATABASE_URL to a Postgres connection string (postgres://user:password@host/db).";
        fail(io, json, COMMAND_EXIT.usage, "UsageError", message);
        return COMMAND_EXIT.usage;
      }
      durable = createDurableWatcher({ ...context.options, watcher: context.watcher, connectionString });
    }
    return await run(durable);
  } catch (error) {
    const usage =
      (error instanceof OpwatchError && error.name === "ValidationError") ||
      error instanceof TypeError ||
      error instanceof SyntaxError;
    const code = usage ? COMMAND_EXIT.usage : COMMAND_EXIT.error;
    const message = redactUrl(error instanceof Error ? error.message : String(error), connectionString);
    fail(io, json, code, error instanceof Error ? error.name : "Error", message);
    return code;
  } finally {
    if (own) await durable?.stop().catch(() => {});
  }
}

/**
 * Says what went wrong: one `opwatch: …` line on stderr or, with --json, one `error` record on stdout, as
 * the CLI's own (`type`, `time`, `exitCode`, `message`, `error: { name, message }`).
 */
export function fail(io: CommandIo, json: boolean, exitCode: number, name: string, message: string): void {
  if (!json) {
    io.err(`opwatch: ${message}`);
    return;
  }
  const time = new Date().toISOString();
  io.out(JSON.stringify({ type: "error", time, exitCode, message, error: { name, message } }));
}

export function parseTarget(target: string | OperationTarget): OperationTarget {
  if (typeof target !== "string") return target;
  const trimmed = target.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new SyntaxError(`not a status URL nor a ref (JSON): ${trimmed.slice(0, 80)}`);
  }
}

function redactUrl(message: string, url: string | undefined): string {
  if (!url) return message;
  let out = message.split(url).join("$DATABASE_URL");
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join("***");
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}
