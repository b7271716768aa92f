import { ecl } from "@opwatch/ecl";
import { describe, expectTypeOf, it } from "vitest";
import { createWatcher, type OperationStatus, type PendingReason, register, type StepOutcome } from "../src/index.js";

describe("types", () => {
  it("register takes the provider module's own options", () => {
    // A type test is only type-checked, never run: these calls send nothing.
    expectTypeOf(register(ecl, { token: "t", region: "jp9" }).name).toBeString();
    // @ts-expect-error: a region is a string
    register(ecl, { token: "t", region: 1 });
  });

  it("wait resolves with a status, and a pending step says why it sleeps (never admission)", () => {
    const watcher = createWatcher({ providers: [register(ecl, { token: "t" })] });
    expectTypeOf(watcher.wait).returns.resolves.toEqualTypeOf<OperationStatus>();
    type Pending = Extract<StepOutcome, { kind: "pending" }>;
    expectTypeOf<Pending["reason"]>().toEqualTypeOf<PendingReason>();
    expectTypeOf<"admission">().not.toExtend<PendingReason>();
  });
});
