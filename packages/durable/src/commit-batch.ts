// A worker's commits: step results are batched (up to COMMIT_BATCH, or COMMIT_DELAY_MS after the first),
// one commit_steps statement each, one in flight at a time.
import type { OperationRef } from "opwatch";
import { errorJson } from "./outcome.js";
import type { WorkerEvent } from "./worker-events.js";
import type { StepResult, WorkerContext, WorkerStats } from "./worker-types.js";

const COMMIT_BATCH = 64;
const COMMIT_DELAY_MS = 5;

interface Shared {
  stats: WorkerStats;
  emit: (event: WorkerEvent) => void;
  /** Refs of the steps that ended their wait, for the outcome events. */
  refs: Map<string, OperationRef>;
  inFlight: () => number;
}

export class CommitBatches {
  #pending: StepResult[] = [];
  #pushbacks: { key: string; ms: number }[] = [];
  #committing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly context: WorkerContext,
    private readonly shared: Shared,
    /** After each commit (its request slots are free again). */
    private readonly committed: () => void,
  ) {}

  /** Results waiting or being written. */
  get busy(): boolean {
    return this.#committing !== undefined || this.#pending.length > 0;
  }

  /** A pushback to share with every worker at the next commit. */
  share(key: string, ms: number): void {
    this.#pushbacks.push({ key, ms });
  }

  settle(result: StepResult): void {
    this.#pending.push(result);
    if (this.#pending.length >= COMMIT_BATCH || this.shared.inFlight() === 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), COMMIT_DELAY_MS);
  }

  /** Starts a commit of what is waiting (unless one is in flight); returns the one in flight. */
  drain(): Promise<void> | undefined {
    this.flush();
    return this.#committing;
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#committing || this.#pending.length === 0) return;
    const batch = this.#pending;
    const pushbacks = this.#pushbacks;
    this.#pending = [];
    this.#pushbacks = [];
    this.#committing = this.#commit(batch, pushbacks).finally(() => {
      this.#committing = undefined;
      this.committed();
      const waiting = this.#pending.length;
      if (waiting >= COMMIT_BATCH || (waiting > 0 && this.shared.inFlight() === 0)) this.flush();
      else if (waiting > 0) this.#timer ??= setTimeout(() => this.flush(), COMMIT_DELAY_MS);
    });
  }

  async #commit(batch: StepResult[], pushbacks: { key: string; ms: number }[]): Promise<void> {
    const { pool, schema, stepTimeoutMs } = this.context;
    const { stats, emit, refs } = this.shared;
    const started = performance.now();
    // A commit lost to a dropped connection or a restarting server is sent again (it is idempotent:
    // seq must still match); after the step lease nothing is lost either, the steps run again.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { rows } = await pool.query<{ applied: string[] | null; recorded: string[] | null }>(
          `SELECT * FROM ${schema}.commit_steps($1::jsonb, $2::jsonb)`,
          [JSON.stringify(batch), JSON.stringify(pushbacks)],
        );
        const applied = new Set(rows[0]?.applied ?? []);
        const recorded = new Set(rows[0]?.recorded ?? []);
        stats.commits += 1;
        stats.stale += batch.length - applied.size;
        stats.outcomes += recorded.size;
        const ms = performance.now() - started;
        emit({
          type: "committed",
          steps: batch.length,
          outcomes: recorded.size,
          stale: batch.length - applied.size,
          ms,
        });
        for (const result of batch) {
          if (recorded.has(result.id)) {
            emit({ type: "outcome", waitId: result.id, ref: refs.get(result.id) ?? null, kind: result.kind as never });
          }
          refs.delete(result.id);
        }
        return;
      } catch (error) {
        stats.errors += 1;
        emit({ type: "error", error: errorJson(error) });
        if (performance.now() - started > stepTimeoutMs) {
          for (const result of batch) refs.delete(result.id);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }
}
