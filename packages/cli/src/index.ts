export { type CliIo, run } from "./cli.js";
export type { TerminalStream } from "./display/types.js";
export { formatDuration, parseDuration } from "./duration.js";
export { EXIT, type ExitCode, worstExitCode } from "./exit-codes.js";
export { type CliProvider, type CliVariable, cliProviders } from "./providers.js";
export { type Env, type WatcherSettings, watcherFromEnv } from "./watcher-from-env.js";
