import {
  AbortError,
  AuthError,
  NotFoundError,
  OperationFailedError,
  type OperationState,
  TimeoutError,
  ValidationError,
} from "opwatch";

/** The exit codes of the `opwatch` command (see `opwatch --help` and the README). */
export const EXIT = {
  ok: 0,
  failed: 1,
  timeout: 2,
  error: 3,
  auth: 4,
  notFound: 5,
  usage: 64,
  sigint: 130,
  sigterm: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** `opwatch get`'s table of exit codes: a single read neither times out nor has anything to resume. */
export const GET_EXIT_CODES_HELP = `Exit codes (several operations: the worst one):
  0    read (with --exit-status: and none failed or canceled)
  1    with --exit-status: failed or canceled
  3    server or network error
  4    auth: 401, 403, or the token variable is not set
  5    not found (404)
  64   usage: bad flag, URL or ref
  130  interrupted (SIGINT, Ctrl-C)
  143  terminated (SIGTERM)`;

/** The help text's table of exit codes (of `wait`, and the program's). */
export const EXIT_CODES_HELP = `Exit codes (several operations: the worst one):
  0    succeeded
  1    failed or canceled (get: only with --exit-status)
  2    timeout (--timeout elapsed); prints how to resume
  3    server or network error
  4    auth: 401, 403, or the token variable is not set
  5    not found (404)
  64   usage: bad flag, duration, URL or ref
  130  interrupted (SIGINT, Ctrl-C); prints how to resume
  143  terminated (SIGTERM); prints how to resume`;

/** A mistake on the command line: one line, then "see opwatch <command> --help". */
export class UsageError extends Error {
  override name = "UsageError";

  constructor(
    message: string,
    /** The command whose help to point at. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Runs `fn`, turning a usage or validation error into a UsageError that points at `command`'s help. */
export function orUsage<T>(fn: () => T, command: string): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === "ValidationError")) {
      throw new UsageError(error.message.replace(/\.$/, ""), command);
    }
    throw error;
  }
}

/** Which of two signals stopped us: the abort reason bin.ts sets. */
export type StopSignal = "SIGINT" | "SIGTERM";

export function exitCodeOfState(state: OperationState): ExitCode {
  return state === "succeeded" ? EXIT.ok : EXIT.failed;
}

export function exitCodeOfError(error: unknown, stoppedBy?: StopSignal): ExitCode {
  if (error instanceof AbortError) return stoppedBy === "SIGTERM" ? EXIT.sigterm : EXIT.sigint;
  if (error instanceof UsageError || error instanceof ValidationError) return EXIT.usage;
  if (error instanceof TimeoutError) return EXIT.timeout;
  if (error instanceof AuthError) return EXIT.auth;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof OperationFailedError) return EXIT.failed;
  return EXIT.error;
}

// From best to worst: a signal beats a usage error, which beats auth, not found, server, timeout, failed.
const RANK: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.failed,
  EXIT.timeout,
  EXIT.error,
  EXIT.notFound,
  EXIT.auth,
  EXIT.usage,
  EXIT.sigint,
  EXIT.sigterm,
];

/** The worst of several outcomes' exit codes (0 for none). */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  return codes.reduce<ExitCode>((worst, code) => (RANK.indexOf(code) > RANK.indexOf(worst) ? code : worst), EXIT.ok);
}
