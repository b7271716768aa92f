// The library's messages name its options (`baseUrl`, `maxWaitMs`, the `token` option); on the command
// line the same advice names the flags and environment variables that set them. Applied to the lines the
// CLI prints from @opwatch/durable, whose messages are the library's; the library's wording stays as it is.
import { cliProviders, cliVariables } from "./providers.js";

/** The provider a message is about, when it names exactly one (`bentley: …`). */
function providerOf(line: string) {
  const named = cliProviders.filter((p) => line.includes(`${p.name}: `));
  return named.length === 1 ? named[0] : undefined;
}

/** `line` with each library option the CLI sets by a flag or variable named by that flag or variable. */
export function inCliTerms(line: string): string {
  const p = providerOf(line);
  const tokenVar = p?.tokenVar ?? "the token variable";
  let text = line
    .replace(/\bthe baseUrl option's origin\b/g, "the origin of --base-url")
    .replace(/\b(set|pass) (the )?baseUrl( option)?\b/g, "$1 --base-url")
    .replace(/\bthe baseUrl option\b/g, "--base-url")
    .replace(/\bthe token option's function\b/g, "the token function")
    .replace(/\bthe token option\b/g, tokenVar)
    .replace(/\bthe maxBodyBytes option\b/g, "--max-body-bytes")
    .replace(/\braise maxBodyBytes\b/g, "raise --max-body-bytes")
    .replace(/\braise maxConsecutiveFailures\b/g, "raise --max-failures")
    .replace(/\bRaise maxWaitMs\b/g, "Raise --timeout")
    // The CLI has no flag for one request's time limit: the advice it can follow is the network's.
    .replace(/ or raise the timeoutMs option\b/g, "");
  for (const variable of cliVariables) {
    if (p && variable.provider !== p.name) continue;
    text = text
      .replace(new RegExp(`\\bthe ${variable.name} option\\b`, "g"), `${variable.flag} (or ${variable.envVar})`)
      .replace(new RegExp(`\\bthe option ${variable.name}\\b`, "g"), variable.flag);
  }
  return text;
}
