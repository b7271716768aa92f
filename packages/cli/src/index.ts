export { type CliIo, EXIT, run, USAGE } from "./cli.js";
export { parseDuration } from "./duration.js";
export { TOKEN_VARIABLES, watcherFromEnv } from "./watcher-from-env.js";
