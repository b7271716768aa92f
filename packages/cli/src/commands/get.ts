import { errorJson, statusJson } from "../display/json.js";
import { jsonLine, neutralize, printable } from "../display/printable.js";
import { describeStatus } from "../display/text.js";
import { cliMessage } from "../error-messages.js";
import { EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { GetCliOptions } from "../options.js";
import { withoutTokens } from "../watcher-from-env.js";
import { commandTargets, eachTarget } from "./each-target.js";

/** `opwatch get <targets...>`: one read of each operation, one line (or JSON record) each. */
export async function getCommand(inputs: readonly string[], options: GetCliOptions, io: CliIo): Promise<number> {
  const command = "get";
  const { watcher, targets } = await commandTargets(inputs, options, io, command);
  return eachTarget(targets, io, (target, op) => ({
    read: async () => {
      const status = withoutTokens(await watcher.get(target.pollRef, io.signal ? { signal: io.signal } : {}), io.env);
      if (options.json) {
        io.out(
          jsonLine({
            type: "status",
            time: new Date().toISOString(),
            op: op.index,
            status: statusJson(status),
          }),
        );
      } else {
        io.out(`${op.provider} ${printable(status.id)} ${describeStatus(status)}`);
      }
      const failed = status.state === "failed" || status.state === "canceled";
      return { exitCode: options.exitStatus && failed ? EXIT.failed : EXIT.ok };
    },
    failed: ({ error, exitCode, stoppedBy }) => {
      const message = cliMessage(error, op, { timeoutMs: 0, stoppedBy, resume: undefined });
      if (options.json) {
        io.out(
          jsonLine({
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
        io.err(`opwatch: ${neutralize(message)}`);
      }
      return { exitCode };
    },
  }));
}
