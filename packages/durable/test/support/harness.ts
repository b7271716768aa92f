import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";
import { inject } from "vitest";
import { createDurableWatcher, type DurableWatcher, type DurableWatcherOptions } from "../../src/index.js";
import type { StandIn } from "./stand-in.mjs";

export const databaseUrl = () => inject("databaseUrl");

let schemas = 0;
/** A schema of its own per test, so that tests sharing the database never see each other's waits. */
export function newSchema(name: string): string {
  schemas += 1;
  return `t_${name}_${process.pid}_${schemas}`;
}

/** Fast pacing for tests: operations of about a second end in a few steps. */
export const FAST = { minDelayMs: 100, maxDelayMs: 300 } as const;

export function watcherFor(standIn: StandIn) {
  return createWatcher({ providers: [register(sourcecraft, { token: "durable-token", baseUrl: standIn.url })] });
}

export function durableFor(
  standIn: StandIn,
  schema: string,
  options: Partial<DurableWatcherOptions> = {},
): DurableWatcher {
  return createDurableWatcher({ watcher: watcherFor(standIn), connectionString: databaseUrl(), schema, ...options });
}

/** Resolves once `check` returns true; fails after `timeoutMs` saying what it waited for. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
