// The fault-and-scale run (test/support/fault-scenario.mjs), small: worker processes SIGKILLed, a
// Postgres crash, racing enqueues, a shared per-origin limit, a pushback, and two readers. `pnpm bench`
// runs it bigger.
import { describe, expect, it } from "vitest";
import { faultScenario } from "./support/fault-scenario.mjs";

describe("a fleet under faults", () => {
  it("ends every wait once with the right kind, and every reader sees every outcome once, through worker kills, a Postgres crash and a Postgres restart", async () => {
    const result = await faultScenario({ waits: 150, workers: 3, concurrency: 8, kills: 3, maxInFlight: 6 });
    expect(result.failures).toEqual([]);
    expect(result.maxInFlight).toBeGreaterThan(1);
  }, 90_000);
});
