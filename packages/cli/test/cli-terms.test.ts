// The library's advice names its options; printed by the CLI, it names the flags and variables that set them.
import { describe, expect, it } from "vitest";
import { inCliTerms } from "../src/cli-terms.js";

describe("the library's option names on the command line", () => {
  it.each([
    [
      "bentley: Check the operation id and the baseUrl option: Bentley iTwin Schedules answered 404.",
      "bentley: Check the operation id and --base-url: Bentley iTwin Schedules answered 404.",
    ],
    [
      "bentley: /x was redirected (302) to https://evil.example, outside the baseUrl option's origin https://api.bentley.com, so opwatch sent nothing there; set baseUrl to that host if you trust it.",
      "bentley: /x was redirected (302) to https://evil.example, outside the origin of --base-url https://api.bentley.com, so opwatch sent nothing there; set --base-url to that host if you trust it.",
    ],
    [
      "bentley: Check that the token option (sent as Authorization) is valid, not expired and has the required scope: 401",
      "bentley: Check that BENTLEY_TOKEN (sent as Authorization) is valid, not expired and has the required scope: 401",
    ],
    [
      "ecl: the GET /x timed out after 30000 ms, so check the network or raise the timeoutMs option.",
      "ecl: the GET /x timed out after 30000 ms, so check the network.",
    ],
    [
      "ecl: /x answered 200 with a body over 1048576 bytes (the maxBodyBytes option), so opwatch stopped reading it; check the baseUrl option, or raise maxBodyBytes if this provider's answers are that large.",
      "ecl: /x answered 200 with a body over 1048576 bytes (--max-body-bytes), so opwatch stopped reading it; check --base-url, or raise --max-body-bytes if this provider's answers are that large.",
    ],
    [
      "bentley s1/x: gave up after 5 failures in a row (raise maxConsecutiveFailures to keep trying)",
      "bentley s1/x: gave up after 5 failures in a row (raise --max-failures to keep trying)",
    ],
    [
      '{"kind":"error","error":{"message":"bentley: check the baseUrl option (https://api.bentley.com)."}}',
      '{"kind":"error","error":{"message":"bentley: check --base-url (https://api.bentley.com)."}}',
    ],
  ])("%s", (library, cli) => {
    expect(inCliTerms(library)).toBe(cli);
  });

  it("names a server variable's flag and environment variable", () => {
    expect(inCliTerms('ecl: server variable "region" has no value, so pass the region option.')).toBe(
      'ecl: server variable "region" has no value, so pass --region (or ECL_REGION).',
    );
  });

  it("leaves a line without the library's option names as it is", () => {
    const line = "12  2026-12-07T22:00:00.000Z  succeeded  bentley s1/x  (3 request(s))";
    expect(inCliTerms(line)).toBe(line);
  });
});
