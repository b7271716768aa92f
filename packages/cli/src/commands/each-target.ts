// What `opwatch wait` and `opwatch get` do around each operation they read: the watcher and the targets
// (every one checked before the first request), then per target its number as the displays show it, the
// provider's token checked, and an error turned into its exit code.
import type { Watcher } from "opwatch";
import type { OpView } from "../display/types.js";
import { type ExitCode, exitCodeOfError, type StopSignal, worstExitCode } from "../exit-codes.js";
import { type CliIo, stopSignal } from "../io.js";
import type { CommonOptions } from "../options.js";
import { setup } from "../setup.js";
import { opView, readTargets, type Target } from "../targets.js";
import { missingToken } from "../watcher-from-env.js";

/** The watcher for a command, its targets read and checked, and whether --debug is on. */
export async function commandTargets(
  inputs: readonly string[],
  options: CommonOptions,
  io: CliIo,
  command: string,
): Promise<{ watcher: Watcher; targets: Target[]; debug: boolean }> {
  const { watcher, settings, debug } = setup(options, io, command);
  const targets = await readTargets(inputs, io, command, { watcher, settings });
  return { watcher, targets, debug };
}

/** An error a target's read threw (a missing token included), with its exit code. */
export interface TargetFailure {
  error: unknown;
  exitCode: ExitCode;
  /** The signal that stopped the command, if one did. */
  stoppedBy: StopSignal | undefined;
}

/** What a command does with one target. */
export interface TargetRun<R extends { exitCode: ExitCode }> {
  /** Runs once the provider's token is known to be set. */
  read(): Promise<R>;
  /** What an error thrown by `read` (or the missing token) comes to. */
  failed(failure: TargetFailure): R;
  /** Called with either result, outside the error handling (a display's outcome line). */
  settled?(result: R): void;
}

/** Runs every target at once (`start` is called for each, numbered from 1); resolves with the worst exit code. */
export async function eachTarget<R extends { exitCode: ExitCode }>(
  targets: readonly Target[],
  io: CliIo,
  start: (target: Target, op: OpView) => TargetRun<R>,
): Promise<ExitCode> {
  const codes = await Promise.all(
    targets.map(async (target, i): Promise<ExitCode> => {
      const run = start(target, opView(target, i + 1));
      let result: R;
      try {
        const missing = missingToken(target.ref.provider, io.env);
        if (missing) throw missing;
        result = await run.read();
      } catch (error) {
        const stoppedBy = stopSignal(io);
        result = run.failed({ error, exitCode: exitCodeOfError(error, stoppedBy), stoppedBy });
      }
      run.settled?.(result);
      return result.exitCode;
    }),
  );
  return worstExitCode(codes);
}
