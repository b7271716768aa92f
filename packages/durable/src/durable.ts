// The durable watcher: checks its options, owns the pool (unless given one) and hands each method to the
// module that does its job.
import type { OperationTarget } from "opwatch";
import pg from "pg";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import type { DurableWatcher, DurableWatcherOptions } from "./durable-api.js";
import { checkedRefs, type EnqueueResult, storedStepOptions, storeWaits } from "./enqueue.js";
import { WAIT_ID, waitIdOf } from "./ids.js";
import { cancelWaits, listWaits, pruneWaits, retryWaits, waitStats } from "./operations.js";
import { consumeOutcomes, findOutcome, followOutcomes, inOutcomeHandler, listOutcomes } from "./outcome-log.js";
import { assertSchemaName, migrate } from "./schema.js";
import { runWorker } from "./worker.js";

export type { DurableWatcher, DurableWatcherOptions } from "./durable-api.js";

const positive = (name: string, value: number | undefined, fallback: number, whole = true): number => {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v > 0 && (!whole || Number.isInteger(v)))) {
    throw new TypeError(`${name} must be a positive ${whole ? "whole number" : "number"}, got ${String(value)}.`);
  }
  return v;
};

/**
 * Makes a durable watcher: waits kept in Postgres that survive restarts and spread over any number of
 * workers, each ending with exactly one outcome record.
 *
 * @example
 * ```ts
 * const durable = createDurableWatcher({ watcher, connectionString: process.env.DATABASE_URL });
 * await durable.enqueue(statusUrl, { maxWaitMs: 3_600_000 }); // in the app
 * const worker = await durable.work({ concurrency: 16 }); // in each worker process
 * ```
 */
export function createDurableWatcher(options: DurableWatcherOptions): DurableWatcher {
  const watcher = options?.watcher;
  if (!watcher || typeof watcher.ref !== "function") {
    throw new TypeError("createDurableWatcher needs a watcher: createWatcher({ providers }) from opwatch.");
  }
  if (!options.pool && !options.connectionString) {
    throw new TypeError("createDurableWatcher needs a connectionString (e.g. process.env.DATABASE_URL) or a pool.");
  }
  const schema = options.schema ?? "opwatch";
  assertSchemaName(schema);
  const maxInFlightPerOrigin = positive("maxInFlightPerOrigin", options.maxInFlightPerOrigin, 16);
  const stepTimeoutSeconds = positive("stepTimeoutSeconds", options.stepTimeoutSeconds, 60);
  const connectTimeoutMs = positive("connectTimeoutMs", options.connectTimeoutMs, 10_000);
  const statementTimeoutMs = positive("statementTimeoutMs", options.statementTimeoutMs, 30_000);
  const maxConnections = positive("maxConnections", options.maxConnections, 4);
  const retentionMs =
    options.retentionDays === undefined
      ? undefined
      : positive("retentionDays", options.retentionDays, 1, false) * 86_400_000;
  const ownPool = !options.pool;
  let pool: pg.Pool | undefined = options.pool;
  const getPool = () => {
    if (!pool) {
      pool = new pg.Pool({
        connectionString: options.connectionString,
        max: maxConnections,
        application_name: "opwatch",
        connectionTimeoutMillis: connectTimeoutMs,
        // Server side, and a client-side bound for a server that stops answering.
        statement_timeout: statementTimeoutMs,
        idle_in_transaction_session_timeout: statementTimeoutMs,
        query_timeout: statementTimeoutMs + 5000,
        keepAlive: true,
      });
      // An idle client that loses its connection must not crash the process; the next query reconnects.
      pool.on("error", () => {});
    }
    return pool;
  };
  let started: Promise<void> | undefined;
  const stoppers = new Set<() => Promise<void>>();
  /** Consumers stopped from inside their own handler: the pool closes once they have finished. */
  const finishing = new Set<Promise<void>>();

  const start = () => {
    started ??= migrate(getPool(), schema);
    started.catch(() => {
      started = undefined;
    });
    return started;
  };

  const ready = async () => {
    await start();
    return getPool();
  };

  const enqueueAll = async (targets: readonly OperationTarget[], stepOptions: DurableStepOptions = {}) => {
    // Validate every target and option before anything is written: a bad one fails the call, not half of it.
    if (!Array.isArray(targets)) throw new TypeError("enqueueAll takes an array of targets.");
    const refs = checkedRefs(watcher, targets);
    const stored = storedStepOptions(stepOptions);
    return storeWaits(await ready(), schema, refs, stored);
  };

  const idOf = (idOrTarget: string | OperationTarget) =>
    typeof idOrTarget === "string" && WAIT_ID.test(idOrTarget) ? idOrTarget : waitIdOf(watcher.ref(idOrTarget));

  const durable: DurableWatcher = {
    start,
    async enqueue(target, stepOptions) {
      const [result] = await enqueueAll([target], stepOptions);
      return result as EnqueueResult;
    },
    enqueueAll,
    async work(workOptions = {}) {
      if (typeof watcher.step !== "function" || typeof watcher.pushbackKey !== "function") {
        throw new TypeError("work() needs a watcher with step() and pushbackKey() (opwatch's createWatcher).");
      }
      const db = await ready();
      const worker = runWorker(
        {
          pool: db,
          schema,
          watcher: watcher as StepWatcher,
          maxInFlightPerOrigin,
          stepTimeoutMs: stepTimeoutSeconds * 1000,
          retentionMs,
        },
        workOptions,
      );
      const stop = () => worker.stop();
      stoppers.add(stop);
      worker.stopped.finally(() => stoppers.delete(stop));
      return worker;
    },
    async outcome(idOrTarget) {
      const id = idOf(idOrTarget);
      return findOutcome(await ready(), schema, id);
    },
    async outcomes(listOptions) {
      return listOutcomes(await ready(), schema, listOptions);
    },
    async *follow(followOptions) {
      yield* followOutcomes(await ready(), schema, followOptions);
    },
    async onOutcome(handler, consumeOptions = {}) {
      if (typeof handler !== "function") throw new TypeError("onOutcome takes a function.");
      const consumer = consumeOutcomes(await ready(), schema, handler, consumeOptions);
      const stop = async () => {
        stoppers.delete(stop);
        if (inOutcomeHandler.getStore()) {
          finishing.add(consumer.stopped);
          consumer.stopped.finally(() => finishing.delete(consumer.stopped));
        }
        await consumer.stop();
      };
      stoppers.add(stop);
      return stop;
    },
    async waits(listOptions) {
      return listWaits(await ready(), schema, listOptions);
    },
    async cancel(idsOrTargets) {
      const ids = idsOrTargets.map(idOf);
      return cancelWaits(await ready(), schema, ids);
    },
    async retry(retryOptions = {}) {
      const { ids, ...rest } = retryOptions;
      return retryWaits(await ready(), schema, { ...rest, ...(ids ? { ids: ids.map(idOf) } : {}) });
    },
    async prune({ olderThanMs }) {
      return pruneWaits(await ready(), schema, olderThanMs);
    },
    async counts() {
      const db = await ready();
      const { rows } = await db.query<{ waits: string; pending: string; outcomes: string }>(
        `SELECT (SELECT count(*) FROM ${schema}.waits) AS waits,
                (SELECT count(*) FROM ${schema}.waits WHERE done_at IS NULL) AS pending,
                (SELECT count(*) FROM ${schema}.outcomes) AS outcomes`,
      );
      const row = rows[0];
      return { waits: Number(row?.waits), pending: Number(row?.pending), outcomes: Number(row?.outcomes) };
    },
    async stats() {
      return waitStats(await ready(), schema);
    },
    async stop() {
      await Promise.all([...stoppers].map((stop) => stop()));
      if (started) await started.catch(() => {});
      started = undefined;
      if (ownPool && pool) {
        const closing = pool;
        pool = undefined;
        // Called from inside an onOutcome handler, that consumer finishes after the handler returns: the
        // pool closes then, and this returns at once (waiting would wait for itself).
        const ended = Promise.all([...finishing]).then(() => closing.end());
        if (inOutcomeHandler.getStore()) {
          ended.catch(() => {});
          return;
        }
        await ended;
      }
    },
  };
  return durable;
}
