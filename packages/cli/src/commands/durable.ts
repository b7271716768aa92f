// `opwatch enqueue`, `worker` and `outcomes`, and the operator's `waits`, `cancel`, `retry`, `prune` and
// `stats`: the CLI's side (flags, DATABASE_URL, the watcher from the environment); the commands themselves
// are @opwatch/durable's.
import type { DurableWatcher } from "@opwatch/durable";
import type { Watcher } from "opwatch";
import { inCliTerms } from "../cli-terms.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { type CliIo, stopSignal } from "../io.js";
import {
  type DurableAdminCliOptions,
  type EnqueueCliOptions,
  type OutcomesCliOptions,
  pacing,
  type WorkerCliOptions,
} from "../options.js";
import { cliProviders } from "../providers.js";
import { setup } from "../setup.js";
import { missingToken, watcherFromEnv, withTokensMasked } from "../watcher-from-env.js";
import { checkDatabaseUrl, openDatabase } from "./database.js";
import { commandTargets } from "./each-target.js";
import { type Durable, loadDurable } from "./load-durable.js";

// @opwatch/durable brings a Postgres client: an optional peer of the CLI, imported
// (load-durable.ts) only when one of these commands runs, after DATABASE_URL is checked.

export const DURABLE_EXIT_CODES_HELP = `Exit codes:
  0    done (worker, outcomes --follow: stopped otherwise than by a signal)
  3    database, server or network error
  64   usage: bad flag, duration, URL or ref, DATABASE_URL not set, or @opwatch/durable not installed
  130  stopped by SIGINT (Ctrl-C), after finishing the steps in flight
  143  stopped by SIGTERM, after finishing the steps in flight`;

/** DATABASE_URL, read and checked once per command, then handed to @opwatch/durable's command as is. */
function requireDatabaseUrl(io: CliIo, command: string): string {
  return checkDatabaseUrl(io.env.DATABASE_URL, command);
}

/**
 * The io a durable command prints through: tokens masked (stored statuses may hold one a server echoed),
 * and the library's option names (`the baseUrl option`) said as the CLI's flags (`--base-url`).
 */
function durableIo(given: CliIo): CliIo {
  const io = withTokensMasked(given);
  return { ...io, out: (line) => io.out(inCliTerms(line)), err: (line) => io.err(inCliTerms(line)) };
}

type DatabaseContext = { watcher: Parameters<typeof openDatabase>[1]; io: CliIo; connectionString: string };

/**
 * Runs a durable command on the database of DATABASE_URL, opened first (a DatabaseError saying what to
 * check when it cannot be) and stopped after.
 */
async function onDatabase(
  durable: Durable,
  context: DatabaseContext,
  command: (context: DatabaseContext & { durable: DurableWatcher }) => Promise<number>,
): Promise<number> {
  const database = await openDatabase(durable, context.watcher, context.connectionString);
  try {
    return await command({ ...context, durable: database });
  } finally {
    await database.stop().catch(() => {});
  }
}

/** 130 / 143 when SIGINT / SIGTERM stopped a command that otherwise ended well. */
function signalled(io: CliIo, code: number): number {
  const stoppedBy = stopSignal(io);
  if (code !== EXIT.ok || !stoppedBy) return code;
  return stoppedBy === "SIGTERM" ? EXIT.sigterm : EXIT.sigint;
}

export async function enqueueCliCommand(
  inputs: readonly string[],
  options: EnqueueCliOptions,
  given: CliIo,
): Promise<number> {
  const io = durableIo(given);
  const command = "enqueue";
  const connectionString = requireDatabaseUrl(io, command);
  const delays = pacing(options, command);
  // Every target is checked before anything is stored; the ref stored is the one polled (rerouted by
  // --base-url), so workers poll where this command was pointed.
  const { watcher, targets } = await commandTargets(inputs, options, io, command);
  const refs = targets.map((target) => target.pollRef);
  const durable = await loadDurable(command);
  return onDatabase(durable, { watcher, io, connectionString }, (context) =>
    durable.enqueueCommand(
      {
        targets: refs,
        json: options.json === true,
        maxWaitMs: options.timeout,
        ...delays,
        ...(options.maxFailures === undefined ? {} : { maxConsecutiveFailures: options.maxFailures }),
      },
      context,
    ),
  );
}

export async function workerCliCommand(options: WorkerCliOptions, given: CliIo): Promise<number> {
  // Worker events and outcomes carry stored statuses, which may hold a token a server echoed.
  const io = durableIo(given);
  const command = "worker";
  const connectionString = requireDatabaseUrl(io, command);
  const { watcher } = setup(options, io, command);
  // A provider whose token is not set is not polled here: its waits are left to workers that have one,
  // instead of ending in error.
  const providers = cliProviders.filter((p) => !missingToken(p.name, io.env)).map((p) => p.name);
  const skipped = cliProviders
    .filter((p) => missingToken(p.name, io.env))
    .map((p) => ({ provider: p.name, reason: `set ${p.tokenVar} to poll its waits` }));
  const durable = await loadDurable(command);
  const code = await onDatabase(durable, { watcher, io, connectionString }, (context) =>
    durable.workerCommand(
      {
        json: options.json === true,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        providers,
        skipped,
      },
      context,
    ),
  );
  return signalled(io, code);
}

export async function outcomesCliCommand(options: OutcomesCliOptions, given: CliIo): Promise<number> {
  const io = durableIo(given);
  const command = "outcomes";
  if (options.limit !== undefined && options.follow) {
    throw new UsageError("--limit is for a listing; leave it out with --follow", command);
  }
  const connectionString = requireDatabaseUrl(io, command);
  const durable = await loadDurable(command);
  // Reading outcomes makes no request to a provider: a watcher is made only if something asks for a ref.
  const code = await onDatabase(durable, { watcher: lazyWatcher(io), io, connectionString }, async (context) => {
    if (options.follow) await sayWhenNothingYet(context.durable, options.after, io);
    return durable.outcomesCommand(
      {
        json: options.json === true,
        follow: options.follow === true,
        ...(options.after === undefined ? {} : { after: options.after }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      },
      context,
    );
  });
  return options.follow ? signalled(io, code) : code;
}

/**
 * `outcomes --follow` with nothing recorded yet (after --after) would print nothing until a worker records
 * an outcome: it says so on stderr, so stdout stays outcomes only.
 */
async function sayWhenNothingYet(database: DurableWatcher, after: number | undefined, io: CliIo): Promise<void> {
  const recorded = await database.outcomes({ ...(after === undefined ? {} : { after }), limit: 1 });
  if (recorded.length > 0) return;
  const since = after === undefined ? "" : ` after seq ${after}`;
  io.err(`opwatch outcomes: no outcome${since} yet; waiting for workers to record one (Ctrl-C to stop)`);
}

/** A watcher made only if something asks for a ref (an operator command names a wait by status URL). */
function lazyWatcher(io: CliIo) {
  return { ref: ((target: never) => watcherFromEnv(io.env).ref(target)) as Watcher["ref"] };
}

/** `opwatch waits`, `cancel`, `retry`, `prune` and `stats`. */
export async function durableAdminCliCommand(
  command: "waits" | "cancel" | "retry" | "prune" | "stats",
  targets: readonly string[],
  options: DurableAdminCliOptions,
  given: CliIo,
): Promise<number> {
  const io = durableIo(given);
  if (options.all && options.ended) throw new UsageError("--all and --ended: pick one", command);
  if (command === "prune" && options.olderThan === undefined) {
    throw new UsageError(
      "prune needs --older-than <duration> (e.g. 30d): ended waits older than that are deleted",
      command,
    );
  }
  const connectionString = requireDatabaseUrl(io, command);
  const durable = await loadDurable(command);
  return onDatabase(durable, { watcher: lazyWatcher(io), io, connectionString }, (context) =>
    adminCommand(durable, command, targets, options, context),
  );
}

function adminCommand(
  durable: Durable,
  command: "waits" | "cancel" | "retry" | "prune" | "stats",
  targets: readonly string[],
  options: DurableAdminCliOptions,
  context: DatabaseContext & { durable: DurableWatcher },
): Promise<number> {
  const json = options.json === true;
  switch (command) {
    case "waits":
      return durable.waitsCommand(
        {
          json,
          state: options.all ? "all" : options.ended ? "ended" : "pending",
          ...(options.provider === undefined ? {} : { provider: options.provider }),
          ...(options.olderThan === undefined ? {} : { olderThanMs: options.olderThan }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        },
        context,
      );
    case "cancel":
      return durable.cancelCommand({ json, targets }, context);
    case "retry":
      return durable.retryCommand(
        {
          json,
          targets,
          ...(options.kind?.length ? { kinds: options.kind } : {}),
          ...(options.provider === undefined ? {} : { provider: options.provider }),
        },
        context,
      );
    case "prune":
      return durable.pruneCommand({ json, olderThanMs: options.olderThan as number }, context);
    case "stats":
      return durable.statsCommand({ json }, context);
  }
}
