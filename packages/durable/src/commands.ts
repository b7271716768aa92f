// The durable commands, for the CLI to call (`opwatch enqueue`, `worker`, `outcomes`, and the operator's
// `waits`, `cancel`, `retry`, `prune`, `stats`): each takes parsed options, the watcher the CLI built from
// the environment, and the CLI's io; each resolves with an exit code and never throws. The database
// comes from DATABASE_URL.
import { type OperationTarget, OpwatchError } from "opwatch";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import { createDurableWatcher, type DurableWatcher, type DurableWatcherOptions } from "./durable.js";
import type { DurableStats, WaitInfo } from "./operations.js";
import type { Outcome } from "./outcome.js";
import type { WorkerEvent } from "./worker-events.js";

/** Exit codes, as the CLI's. */
export const COMMAND_EXIT = { ok: 0, error: 3, usage: 64 } as const;

/** Where a command writes: one line at a time to standard output and standard error, and the environment it reads. */
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
  /** Advanced: the durable watcher to use instead of one made from DATABASE_URL (tests). */
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

/** Options of `opwatch waits`: which stored waits to list. */
export interface WaitsCommandOptions {
  state?: "pending" | "ended" | "all";
  provider?: string;
  olderThanMs?: number;
  limit?: number;
  json?: boolean;
}

/** Options of `opwatch cancel`: the pending waits to end as canceled. */
export interface CancelCommandOptions {
  /** Wait ids, status URLs or refs as JSON text. */
  targets: readonly (string | OperationTarget)[];
  json?: boolean;
}

/** Options of `opwatch retry`: the ended waits to start again. */
export interface RetryCommandOptions {
  /** Wait ids, status URLs or refs as JSON text; none: every wait that ended in one of `kinds`. */
  targets?: readonly (string | OperationTarget)[];
  /** Default `["error"]` when no targets are given. */
  kinds?: readonly string[];
  provider?: string;
  json?: boolean;
}

/** Options of `opwatch prune`: how old an ended wait must be to be deleted. */
export interface PruneCommandOptions {
  olderThanMs: number;
  json?: boolean;
}

/** Options of `opwatch stats`. */
export interface StatsCommandOptions {
  json?: boolean;
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

/** The help text of the durable commands (enqueue, worker, outcomes) for a CLI to print. */
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

/** `opwatch waits`: stored waits, oldest first. */
export function waitsCommand(options: WaitsCommandOptions, context: CommandContext): Promise<number> {
  const json = options.json ?? false;
  return guarded(context, json, async (durable) => {
    const list = await durable.waits({
      ...(options.state === undefined ? {} : { state: options.state }),
      ...(options.provider === undefined ? {} : { provider: options.provider }),
      ...(options.olderThanMs === undefined ? {} : { olderThanMs: options.olderThanMs }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    for (const wait of list) context.io.out(json ? JSON.stringify(wait) : describeWait(wait));
    return COMMAND_EXIT.ok;
  });
}

/** `opwatch cancel <id|url|ref>…` */
export function cancelCommand(options: CancelCommandOptions, context: CommandContext): Promise<number> {
  const json = options.json ?? false;
  return guarded(context, json, async (durable) => {
    if (!options.targets?.length) {
      fail(context.io, json, COMMAND_EXIT.usage, "UsageError", "cancel needs at least one wait id or status URL.");
      return COMMAND_EXIT.usage;
    }
    const ended = await durable.cancel(options.targets.map(parseTarget));
    report(context.io, json, "canceled", ended);
    return COMMAND_EXIT.ok;
  });
}

/** `opwatch retry [<id|url|ref>…] [--kind error]` */
export function retryCommand(options: RetryCommandOptions, context: CommandContext): Promise<number> {
  const json = options.json ?? false;
  return guarded(context, json, async (durable) => {
    const targets = options.targets ?? [];
    const again = await durable.retry({
      ...(targets.length ? { ids: targets.map(parseTarget) } : {}),
      ...(options.kinds?.length ? { kinds: options.kinds } : {}),
      ...(options.provider === undefined ? {} : { provider: options.provider }),
    });
    report(context.io, json, "retrying", again);
    return COMMAND_EXIT.ok;
  });
}

/** `opwatch prune --older-than <duration>` */
export function pruneCommand(options: PruneCommandOptions, context: CommandContext): Promise<number> {
  const json = options.json ?? false;
  return guarded(context, json, async (durable) => {
    const deleted = await durable.prune({ olderThanMs: options.olderThanMs });
    context.io.out(json ? JSON.stringify({ deleted }) : `deleted ${deleted} ended wait(s) and their outcomes`);
    return COMMAND_EXIT.ok;
  });
}

/** `opwatch stats` */
export function statsCommand(options: StatsCommandOptions, context: CommandContext): Promise<number> {
  const json = options.json ?? false;
  return guarded(context, json, async (durable) => {
    const stats = await durable.stats();
    if (json) context.io.out(JSON.stringify(stats));
    else for (const line of describeStats(stats)) context.io.out(line);
    return COMMAND_EXIT.ok;
  });
}

async function guarded(
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
function fail(io: CommandIo, json: boolean, exitCode: number, name: string, message: string): void {
  if (!json) {
    io.err(`opwatch: ${message}`);
    return;
  }
  const time = new Date().toISOString();
  io.out(JSON.stringify({ type: "error", time, exitCode, message, error: { name, message } }));
}

function report(io: CommandIo, json: boolean, what: string, ids: readonly string[]): void {
  if (json) io.out(JSON.stringify({ [what]: ids }));
  else {
    for (const id of ids) io.out(`${what} ${id}`);
    if (ids.length === 0) io.out(`nothing ${what === "canceled" ? "to cancel (no such pending wait)" : "to retry"}`);
  }
}

function parseTarget(target: string | OperationTarget): OperationTarget {
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

function eventJson(event: WorkerEvent) {
  return event.type === "error" ? event : { ...event, at: new Date().toISOString() };
}

function describeEvent(event: WorkerEvent): string {
  const at = new Date().toISOString().slice(11, 23);
  switch (event.type) {
    case "step":
      return `${at}  ${event.waitId.slice(0, 12)}  ${event.state ?? event.outcome}${
        event.delayMs === undefined ? "" : `, next poll in ${(event.delayMs / 1000).toFixed(1)} s`
      }`;
    case "deferred":
      return `${at}  ${event.waitId.slice(0, 12)}  deferred ${(event.delayMs / 1000).toFixed(1)} s (${event.reason})`;
    case "outcome":
      return `${at}  ${event.waitId.slice(0, 12)}  ${event.kind}${event.ref ? `: ${event.ref.provider} ${Object.values(event.ref.params).join("/")}` : ""}`;
    case "unpollable":
      return `${at}  not polling ${event.provider} waits (left to workers that can): ${event.reason}`;
    case "claimed":
      return `${at}  claimed ${event.steps} step(s) in ${event.ms.toFixed(1)} ms`;
    case "committed":
      return `${at}  committed ${event.steps} step(s), ${event.outcomes} outcome(s) in ${event.ms.toFixed(1)} ms`;
    case "error":
      return `${at}  error: ${event.error.message}`;
  }
}

function describeWait(wait: WaitInfo): string {
  const what = `${wait.provider} ${Object.values(wait.ref.params).join("/")}`;
  const where = wait.endedAt
    ? `ended ${wait.endedAt.toISOString()}`
    : `next step ${wait.dueAt ? wait.dueAt.toISOString() : "-"}`;
  return `${wait.id}  ${wait.enqueuedAt.toISOString()}  ${(wait.lastState ?? "-").padEnd(9)}  ${what}  (${wait.requests} request(s)), ${where}`;
}

function describeStats(stats: DurableStats): string[] {
  const kinds = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(", ") || "none";
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `waits: ${stats.waits} stored, ${stats.pending} pending, ${stats.due} due now (most overdue by ${seconds(stats.lagMs)}), oldest pending ${seconds(stats.oldestPendingMs)}`,
    `outcomes: ${stats.outcomes} recorded; last minute: ${kinds(stats.lastMinute)}; last hour: ${kinds(stats.lastHour)}`,
    `throughput: ${stats.outcomesPerSecond.toFixed(2)} outcomes/s over the last 5 minutes`,
    ...Object.entries(stats.byProvider).map(
      ([provider, counts]) => `  ${provider}: ${counts.pending} pending, ${counts.ended} ended`,
    ),
  ];
}

function describeOutcome(outcome: Outcome): string {
  const what = `${outcome.ref.provider} ${Object.values(outcome.ref.params).join("/")}`;
  const why = outcome.error
    ? `: ${outcome.error.message}`
    : outcome.status?.error
      ? `: ${outcome.status.error.message}`
      : "";
  return `${outcome.seq}  ${outcome.finishedAt.toISOString()}  ${outcome.kind.padEnd(9)}  ${what}  (${outcome.requests} request(s))${why}`;
}
