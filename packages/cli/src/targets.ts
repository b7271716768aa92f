import { isServerUrl, refFromUrl } from "@opwatch/core";
import type { OperationRef, Watcher } from "opwatch";
import type { OpView } from "./display/types.js";
import { orUsage, UsageError } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { cliProvider, cliProviders } from "./providers.js";
import { configuredBaseUrl, type Env, type WatcherSettings } from "./watcher-from-env.js";

/** One operation named on the command line. */
export interface Target {
  /** What the user typed (a status URL or a ref). */
  readonly input: string;
  /** The ref as typed: a production status URL's names the production base URL. */
  readonly ref: OperationRef;
  /**
   * The ref polled, printed (`opwatch ref`, JSON records) and resumed: `ref` moved under the configured base
   * URL when one reroutes it, so that a stored ref never sends the token to a host other than the one polled.
   */
  readonly pollRef: OperationRef;
}

/**
 * Reads a status URL or a ref (JSON from `opwatch ref`) into a validated ref, before any request.
 * A production status URL (or ref) of a provider that has a base URL configured (`--base-url p=URL`,
 * `<NAME>_BASE_URL`) is rerouted there: its path under the spec's server is kept.
 */
export function resolveTarget(watcher: Watcher, input: string, env: Env, settings: WatcherSettings): Target {
  const text = input.trim();
  let ref: OperationRef;
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`the ref ${short(text)} is not valid JSON; pass a status URL or the output of opwatch ref`);
    }
    ref = watcher.ref(parsed as OperationRef);
  } else if (isHttpUrl(text)) {
    const ours = cliProviders.some((p) => {
      const base = configuredBaseUrl(p, env, settings);
      return refFromUrl(p.description, text, base === undefined ? [] : [base]) !== undefined;
    });
    if (!ours) {
      throw new UsageError(
        `${short(text)} is not a status URL of ${cliProviders.map((p) => p.name).join(", ")}; ` +
          "for a proxy or a stand-in pass --base-url <provider>=<its base URL> (or <PROVIDER>_BASE_URL)",
      );
    }
    ref = watcher.ref(text);
  } else {
    throw new UsageError(`${short(text)} is neither a status URL (https://…) nor a ref (the JSON opwatch ref prints)`);
  }
  return { input, ref, pollRef: reroute(ref, env, settings) };
}

/**
 * The targets of a command, every one checked before the first request: `-` reads them from stdin, one
 * per line.
 */
export async function readTargets(
  inputs: readonly string[],
  io: CliIo,
  command: string,
  { watcher, settings }: { watcher: Watcher; settings: WatcherSettings },
): Promise<Target[]> {
  const texts: string[] = [];
  for (const input of inputs) {
    if (input !== "-") {
      texts.push(input);
      continue;
    }
    if (!io.stdin) throw new UsageError("- reads targets from stdin, which is not available", command);
    texts.push(...targetsFromText(await io.stdin()));
  }
  if (texts.length === 0) throw new UsageError("no targets on stdin", command);
  return texts.map((text) => orUsage(() => resolveTarget(watcher, text, io.env, settings), command));
}

/** The `index`-th target (1-based) as the displays show it, named by its last path parameter (the operation id). */
export function opView(target: Target, index: number): OpView {
  // The last path parameter: a query parameter (`api-version`) never names the operation.
  const pathParams = cliProvider(target.ref.provider)?.description.endpoints[target.ref.endpoint]?.pathParams;
  const name = pathParams?.at(-1)?.name;
  const last = name === undefined ? Object.values(target.ref.params).at(-1) : target.ref.params[name];
  return {
    index,
    provider: target.ref.provider,
    id: last === undefined ? target.ref.provider : String(last),
    ref: target.pollRef,
    startedAt: Date.now(),
  };
}

function reroute(ref: OperationRef, env: Env, settings: WatcherSettings): OperationRef {
  const p = cliProvider(ref.provider);
  const base = p && configuredBaseUrl(p, env, settings)?.replace(/\/+$/, "");
  if (!p || base === undefined || base === ref.baseUrl) return ref;
  if (!isServerUrl(p.description, ref.baseUrl)) return ref;
  return { ...ref, params: { ...ref.params }, baseUrl: base };
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text) && URL.canParse(text);
}

function short(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}…` : text);
}

/** The targets listed on standard input for `-`: one per line; blank lines and `#` comments are skipped. */
export function targetsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** `opwatch wait '<ref>'`, quoted for a POSIX shell. */
export function resumeCommand(ref: OperationRef, extra: readonly string[] = []): string {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return [
    "opwatch",
    "wait",
    quote(JSON.stringify(ref)),
    ...extra.map((s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : quote(s))),
  ].join(" ");
}
