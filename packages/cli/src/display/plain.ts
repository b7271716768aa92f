import type { PollEvent } from "opwatch";
import { formatDuration } from "../duration.js";
import { neutralize, printable } from "./printable.js";
import { describeStatus, PUSHBACK, retryText, summary } from "./text.js";
import type { Display, OpView, Outcome, Sink } from "./types.js";

const timestamp = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Plain lines, each with a UTC timestamp: for pipes, CI logs, `--quiet`. No control codes, no colour. */
export class PlainDisplay implements Display {
  /** Operations whose last event was a retry line (its `scheduled` event adds nothing). */
  private readonly retrying = new Set<number>();

  constructor(
    private readonly sink: Sink,
    private readonly quiet: boolean,
  ) {}

  event(op: OpView, event: PollEvent): void {
    if (this.quiet) return;
    const line = (text: string) =>
      this.sink.out(neutralize(`${timestamp(event.at)} ${op.provider} ${printable(op.id)} ${text}`));
    if (event.type === "status" && event.changed && !event.status.done) line(describeStatus(event.status));
    else if (event.type === "retry") {
      this.retrying.add(op.index);
      line(retryText(event));
    } else if (event.type === "scheduled") {
      const why = PUSHBACK[event.reason];
      if (why && !this.retrying.has(op.index)) line(`next poll in ${formatDuration(event.delayMs)} (${why})`);
      this.retrying.delete(op.index);
    }
  }

  outcome(op: OpView, outcome: Outcome): void {
    this.sink.out(neutralize(`${timestamp(Date.now())} ${summary(op, outcome)}`));
    if (outcome.message) this.sink.err(`opwatch: ${neutralize(outcome.message)}`);
  }

  close(): void {}
}
