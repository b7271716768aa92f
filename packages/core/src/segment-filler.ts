// The typed client's reading of multi-segment path parameters (Google's `projects/p/operations/o` in
// `/v1/{name}`): only a provider whose spec has one carries it.
import type { SegmentFiller } from "./compiled.js";
import { encodeSegments } from "./param-checks.js";

/**
 * A {@link SegmentFiller} for `paths` (a poll endpoint's path template → its multi-segment parameters): in a
 * URL that ends with one of the templates, each of its multi-segment parameters given as a string or number
 * is filled in, each segment percent-encoded and the slashes kept; the rest is left to openapi-fetch. @internal
 */
export function segmentFiller(paths: Readonly<Record<string, readonly string[]>>): SegmentFiller {
  return (url, params) => {
    const template = Object.keys(paths).find((path) => url.endsWith(path));
    const names = template === undefined ? undefined : paths[template];
    if (!names) return url;
    return url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const value = params[name];
      return names.includes(name) && (typeof value === "string" || typeof value === "number")
        ? encodeSegments(value)
        : whole;
    });
  };
}
