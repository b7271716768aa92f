// The worker: fetches the poll steps that are due, in batches, and runs each as one pg-boss job (see
// step-job.ts); in between it expires the steps of dead workers and ends the waits of dead steps.
import type PgBoss from "pg-boss";
import type { DurableContext, StepJob } from "./context.js";
import { errorJson } from "./outcome.js";
import { DEAD_STEP_QUEUE, STEP_QUEUE } from "./queues.js";
import { OriginSlots } from "./slots.js";
import { stepHandler } from "./step-job.js";
import { endDeadWait } from "./transitions.js";
import type { WorkerEvent } from "./worker-events.js";

/** Options of {@link DurableWatcher.work}: how many steps at once, and what to report. */
export interface WorkOptions {
  /** Poll steps this process runs at once (default 16). */
  concurrency?: number;
  /** How often to look for due steps when none were found (default 250 ms). */
  pollIntervalMs?: number;
  /** How often this process expires steps held by dead workers (default 5 s). */
  maintenanceIntervalMs?: number;
  /** Called with what the worker does, for logs and progress output. */
  onEvent?: (event: WorkerEvent) => void;
}

/** A running worker: stop it to finish the steps in flight and release the database. */
export interface DurableWorker {
  /** Counts since this worker started. */
  readonly stats: { steps: number; outcomes: number; deferred: number; stale: number; errors: number };
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
  /** Stops taking steps and waits for the ones in flight (each at most one read). */
  stop(): Promise<void>;
}

export function runWorker(context: DurableContext, options: WorkOptions): DurableWorker {
  const { pool, boss } = context;
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`concurrency must be a positive integer, got ${concurrency}.`);
  }
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maintenanceIntervalMs = options.maintenanceIntervalMs ?? 5000;
  const emit = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A logging callback must not break a step.
    }
  };
  const stats = { steps: 0, outcomes: 0, deferred: 0, stale: 0, errors: 0 };
  let stopping = false;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        if (wake === done) wake = undefined;
        resolve();
      }
      wake = done;
    });

  const runStep = stepHandler(context, {
    slots: new OriginSlots(context.schema, context.maxInFlightPerOrigin),
    stats,
    emit,
    stopping: () => stopping,
  });

  const handle = async (job: PgBoss.Job<StepJob>) => {
    try {
      await runStep(job);
    } catch (error) {
      stats.errors += 1;
      emit({ type: "error", error: errorJson(error) });
      // pg-boss retries it after a backoff; if even this fails the job expires and is retried then.
      await boss.fail(STEP_QUEUE, job.id, errorJson(error)).catch(() => {});
    }
  };

  /** A step whose job failed every retry (the database kept failing, or the step kept throwing). */
  const recordDeadSteps = async () => {
    const jobs = await boss.fetch<StepJob>(DEAD_STEP_QUEUE, { batchSize: 20 });
    for (const job of jobs) {
      const client = await pool.connect();
      try {
        await endDeadWait(context, client, job);
      } finally {
        client.release();
      }
    }
  };

  const maintenance = setInterval(() => {
    boss
      .expire()
      .then(recordDeadSteps)
      .catch((error: unknown) => emit({ type: "error", error: errorJson(error) }));
  }, maintenanceIntervalMs);

  const loop = async () => {
    let lastArchive = Date.now();
    while (!stopping) {
      const free = concurrency - inFlight;
      // Fetch in batches: a fetch costs about what a step does, so refill when a quarter is free.
      if (free <= 0 || (free < Math.ceil(concurrency / 4) && inFlight > 0)) {
        await nap(pollIntervalMs);
        continue;
      }
      let jobs: PgBoss.Job<StepJob>[] = [];
      try {
        jobs = await boss.fetch<StepJob>(STEP_QUEUE, { batchSize: free });
      } catch (error) {
        emit({ type: "error", error: errorJson(error) });
      }
      for (const job of jobs) {
        inFlight += 1;
        void handle(job).finally(() => {
          inFlight -= 1;
          if (inFlight === concurrency - Math.ceil(concurrency / 4)) wake?.();
        });
      }
      if (Date.now() - lastArchive > 60_000) {
        lastArchive = Date.now();
        await boss.maintain().catch((error: unknown) => emit({ type: "error", error: errorJson(error) }));
      }
      if (jobs.length < free) await nap(pollIntervalMs);
    }
    clearInterval(maintenance);
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  const stopped = loop();
  return {
    stats,
    stopped,
    async stop() {
      stopping = true;
      wake?.();
      await stopped;
    },
  };
}
