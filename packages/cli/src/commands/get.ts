import { errorJson, statusJson } from "../display/json.js";
import { describeStatus } from "../display/text.js";
import { cliMessage } from "../error-messages.js";
import { EXIT, type ExitCode, exitCodeOfError, worstExitCode } from "../exit-codes.js";
import { type CliIo, stopSignal } from "../io.js";
import type { GetCliOptions } from "../options.js";
import { setup } from "../setup.js";
import { opView, readTargets } from "../targets.js";
import { missingToken } from "../watcher-from-env.js";

/** `opwatch get <targets...>`: one read of each operation, one line (or JSON record) each. */
export async function getCommand(inputs: readonly string[], options: GetCliOptions, io: CliIo): Promise<number> {
  const command = "get";
  const { watcher, settings } = setup(options, io, command);
  const targets = await readTargets(inputs, io, command, { watcher, settings });
  const codes = await Promise.all(
    targets.map(async (target, i): Promise<ExitCode> => {
      const op = opView(target, i + 1);
      try {
        const missing = missingToken(target.ref.provider, io.env);
        if (missing) throw missing;
        const status = await watcher.get(target.pollRef, io.signal ? { signal: io.signal } : {});
        if (options.json) {
          io.out(
            JSON.stringify({
              type: "status",
              time: new Date().toISOString(),
              op: op.index,
              status: statusJson(status),
            }),
          );
        } else {
          io.out(`${op.provider} ${status.id} ${describeStatus(status)}`);
        }
        return options.exitStatus && (status.state === "failed" || status.state === "canceled") ? EXIT.failed : EXIT.ok;
      } catch (error) {
        const stoppedBy = stopSignal(io);
        const exitCode = exitCodeOfError(error, stoppedBy);
        const message = cliMessage(error, op, { timeoutMs: 0, stoppedBy, resume: undefined });
        if (options.json) {
          io.out(
            JSON.stringify({
              type: "error",
              time: new Date().toISOString(),
              op: op.index,
              provider: op.provider,
              id: op.id,
              exitCode,
              message,
              error: errorJson(error),
            }),
          );
        } else {
          io.err(`opwatch: ${message}`);
        }
        return exitCode;
      }
    }),
  );
  return worstExitCode(codes);
}
