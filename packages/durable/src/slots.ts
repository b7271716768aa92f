// Slot leasing: at most `maxInFlightPerOrigin` requests in flight to one origin, across every worker
// sharing the database. A slot is a session advisory lock (origin key, slot number) that
// `<schema>.take_slot` takes on the step's own connection; it is released when the read is over.
import type { PoolClient } from "pg";

/** Why a step could not run now: it is deferred to a later job instead. */
export class Deferred {
  constructor(
    readonly reason: "pushback" | "admission",
    readonly delayMs: number,
  ) {}
}

/** How long a step waits for a slot before it is deferred. */
const ADMISSION_WAIT_MS = 2000;

/** This process's share of the slots. */
export class OriginSlots {
  /** Slots this process holds, all origins together: while below the limit, any origin may have room. */
  held = 0;

  constructor(
    private readonly schema: string,
    readonly max: number,
  ) {}

  get hasRoom(): boolean {
    return this.held < this.max;
  }

  /** Waits a little for one of the origin's slots (held by this or other workers) to come free. */
  async admit(client: PoolClient, origin: number, stopping: () => boolean): Promise<number> {
    const until = Date.now() + ADMISSION_WAIT_MS;
    for (;;) {
      if (this.hasRoom) {
        const { rows } = await client.query<{ slot: number }>(`SELECT ${this.schema}.take_slot($1, $2) AS slot`, [
          origin,
          this.max,
        ]);
        const slot = rows[0]?.slot ?? -1;
        if (slot >= 0) return slot;
      }
      if (Date.now() >= until || stopping()) throw new Deferred("admission", 250 + Math.random() * 750);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
}

/** One step's hold on a slot, on the step's connection. */
export class SlotLease {
  private slot = -1;
  private origin = 0;
  /** The unlock failed: the lock dies with the connection, which must not go back to the pool holding it. */
  broken = false;

  constructor(
    private readonly slots: OriginSlots,
    private readonly client: PoolClient,
  ) {}

  get held(): boolean {
    return this.slot >= 0;
  }

  /** Records a slot of `origin` taken on this connection. */
  hold(origin: number, slot: number): void {
    this.origin = origin;
    this.slot = slot;
    this.slots.held += 1;
  }

  /** Takes one of the origin's slots, waiting a little; throws a {@link Deferred} when none comes free. */
  async admit(origin: number, stopping: () => boolean): Promise<void> {
    this.hold(origin, await this.slots.admit(this.client, origin, stopping));
  }

  async release(): Promise<void> {
    if (this.slot < 0) return;
    const held = this.slot;
    this.slot = -1;
    this.slots.held -= 1;
    await this.client.query("SELECT pg_advisory_unlock($1, $2)", [this.origin, held]).catch(() => {
      this.broken = true;
    });
  }
}
