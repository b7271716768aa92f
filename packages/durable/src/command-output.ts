// How the durable commands print worker events and outcomes without --json.
import type { Outcome } from "./outcome.js";
import type { WorkerEvent } from "./worker-events.js";

export function eventJson(event: WorkerEvent) {
  return event.type === "error" ? event : { ...event, at: new Date().toISOString() };
}

export function describeEvent(event: WorkerEvent): string {
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

export function describeOutcome(outcome: Outcome): string {
  const what = `${outcome.ref.provider} ${Object.values(outcome.ref.params).join("/")}`;
  const why = outcome.error
    ? `: ${outcome.error.message}`
    : outcome.status?.error
      ? `: ${outcome.status.error.message}`
      : "";
  return `${outcome.seq}  ${outcome.finishedAt.toISOString()}  ${outcome.kind.padEnd(9)}  ${what}  (${outcome.requests} request(s))${why}`;
}
