import { type OperationStatus, type PollEvent, TimeoutError } from "opwatch";
import { chooseDisplay } from "../display/choose.js";
import { describeStatus } from "../display/text.js";
import type { Outcome } from "../display/types.js";
import { cliMessage } from "../error-messages.js";
import { EXIT, type ExitCode, exitCodeOfError, exitCodeOfState, worstExitCode } from "../exit-codes.js";
import { type CliIo, stopSignal } from "../io.js";
import { pacing, type WaitCliOptions } from "../options.js";
import { resumeFlags, setup } from "../setup.js";
import { opView, readTargets, resumeCommand } from "../targets.js";
import { missingToken } from "../watcher-from-env.js";

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
  const { watcher, settings, debug } = setup(options, io, command);
  const targets = await readTargets(inputs, io, command, { watcher, settings });
  const display = chooseDisplay({ ...options, debug }, io);

  const flags = resumeFlags(options);
  const codes = await Promise.all(
    targets.map(async (target, i): Promise<ExitCode> => {
      const op = opView(target, i + 1);
      display.add?.(op);
      let last: OperationStatus | undefined;
      let requests = 0;
      const onEvent = (event: PollEvent) => {
        if (event.type === "request") requests = event.attempt;
        if (event.type === "status") last = event.status;
        if (event.type === "done") requests = event.requests;
        display.event(op, event);
      };
      let outcome: Outcome;
      try {
        const missing = missingToken(target.ref.provider, io.env);
        if (missing) throw missing;
        const final = await watcher.wait(target.pollRef, {
          ...(io.signal ? { signal: io.signal } : {}),
          maxWaitMs: options.timeout,
          ...delays,
          throwOnFailure: false,
          ...(options.maxFailures === undefined ? {} : { maxConsecutiveFailures: options.maxFailures }),
          onEvent,
        });
        const exitCode = exitCodeOfState(final.state);
        outcome = {
          exitCode,
          status: final,
          result: final.state,
          message: exitCode === EXIT.ok ? undefined : `${op.provider} ${op.id} ended ${describeStatus(final)}`,
          durationMs: Date.now() - op.startedAt,
          requests,
        };
      } catch (error) {
        const stoppedBy = stopSignal(io);
        const exitCode = exitCodeOfError(error, stoppedBy);
        const resumable = exitCode === EXIT.timeout || exitCode === EXIT.sigint || exitCode === EXIT.sigterm;
        const resume = resumable ? resumeCommand(target.ref, flags) : undefined;
        const status =
          last ?? (error instanceof TimeoutError ? (error.lastStatus as OperationStatus | undefined) : undefined);
        outcome = {
          exitCode,
          status,
          error,
          result: RESULT_OF_EXIT[exitCode] ?? "error",
          message: cliMessage(error, op, { timeoutMs: options.timeout, stoppedBy, resume, status }),
          resume,
          durationMs: Date.now() - op.startedAt,
          requests,
        };
      }
      display.outcome(op, outcome);
      return outcome.exitCode;
    }),
  );
  display.close();
  return worstExitCode(codes);
}
