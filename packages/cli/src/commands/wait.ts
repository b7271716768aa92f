import { type OperationStatus, type PollEvent, TimeoutError } from "opwatch";
import { chooseDisplay } from "../display/choose.js";
import { printable } from "../display/printable.js";
import { describeStatus } from "../display/text.js";
import type { Outcome } from "../display/types.js";
import { cliMessage } from "../error-messages.js";
import { EXIT, type ExitCode, exitCodeOfState } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { pacing, type WaitCliOptions } from "../options.js";
import { resumeFlags } from "../setup.js";
import { resumeCommand } from "../targets.js";
import { withoutTokens } from "../watcher-from-env.js";
import { commandTargets, eachTarget } from "./each-target.js";

/** The summary's word for a wait that threw, by exit code (any other: "error"). */
const RESULT_OF_EXIT: Partial<Record<ExitCode, string>> = {
  [EXIT.timeout]: "timeout",
  [EXIT.sigint]: "interrupted",
  [EXIT.sigterm]: "terminated",
};

/** `opwatch wait <targets...>`: polls every operation at once until each is done; the worst outcome's exit code. */
export async function waitCommand(inputs: readonly string[], options: WaitCliOptions, io: CliIo): Promise<number> {
  const command = "wait";
  const delays = pacing(options);
  const { watcher, targets, debug } = await commandTargets(inputs, options, io, command);
  const display = await chooseDisplay({ ...options, debug }, io);

  const flags = resumeFlags(options);
  const code = await eachTarget(targets, io, (target, op) => {
    display.add?.(op);
    let last: OperationStatus | undefined;
    let requests = 0;
    const onEvent = (seen: PollEvent) => {
      const event = withoutTokens(seen, io.env);
      if (event.type === "request") requests = event.attempt;
      if (event.type === "status") last = event.status;
      if (event.type === "done") requests = event.requests;
      display.event(op, event);
    };
    return {
      read: async (): Promise<Outcome> => {
        const answer = await watcher.wait(target.pollRef, {
          ...(io.signal ? { signal: io.signal } : {}),
          maxWaitMs: options.timeout,
          ...delays,
          throwOnFailure: false,
          ...(options.maxFailures === undefined ? {} : { maxConsecutiveFailures: options.maxFailures }),
          onEvent,
        });
        const final = withoutTokens(answer, io.env);
        const exitCode = exitCodeOfState(final.state);
        return {
          exitCode,
          status: final,
          result: final.state,
          message:
            exitCode === EXIT.ok ? undefined : `${op.provider} ${printable(op.id)} ended ${describeStatus(final)}`,
          durationMs: Date.now() - op.startedAt,
          requests,
        };
      },
      failed: ({ error, exitCode, stoppedBy }): Outcome => {
        const resumable = exitCode === EXIT.timeout || exitCode === EXIT.sigint || exitCode === EXIT.sigterm;
        const resume = resumable ? resumeCommand(target.pollRef, flags) : undefined;
        const status =
          last ?? (error instanceof TimeoutError ? (error.lastStatus as OperationStatus | undefined) : undefined);
        return {
          exitCode,
          status,
          error,
          result: RESULT_OF_EXIT[exitCode] ?? "error",
          message: cliMessage(error, op, { timeoutMs: options.timeout, stoppedBy, resume, status }),
          resume,
          durationMs: Date.now() - op.startedAt,
          requests,
        };
      },
      settled: (outcome) => display.outcome(op, outcome),
    };
  });
  display.close();
  return code;
}
