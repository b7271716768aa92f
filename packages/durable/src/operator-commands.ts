// The operator's durable commands, for the CLI to call: `opwatch waits`, `cancel`, `retry`, `prune`,
// `stats` (each resolves with an exit code and never throws, as those of commands.ts).
import type { OperationTarget } from "opwatch";
import { COMMAND_EXIT, type CommandContext, type CommandIo, fail, guarded, parseTarget } from "./commands.js";
import type { DurableStats, WaitInfo } from "./operations.js";

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

function report(io: CommandIo, json: boolean, what: string, ids: readonly string[]): void {
  if (json) io.out(JSON.stringify({ [what]: ids }));
  else {
    for (const id of ids) io.out(`${what} ${id}`);
    if (ids.length === 0) io.out(`nothing ${what === "canceled" ? "to cancel (no such pending wait)" : "to retry"}`);
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
