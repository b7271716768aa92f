// A failure message read from one field, or joined from several (a reason and a message: "quota: out of GPUs").
import type { FailureDescription } from "../description.js";
import { readString } from "../pointer.js";

/** The text at one pointer, or at several joined with ": " (empty ones left out); `undefined` when none is there. */
export function joinedText(body: unknown, message: FailureDescription["message"]): string | undefined {
  if (typeof message === "string" || message === undefined) return readString(body, message);
  const parts: string[] = [];
  for (const pointer of message) {
    const part = readString(body, pointer)?.trim();
    if (part) parts.push(part);
  }
  return parts.length > 0 ? parts.join(": ") : undefined;
}

/** Texts joined with ": " (empty and missing ones left out); `undefined` when none is there. */
export function joinTexts(texts: readonly (string | undefined)[]): string | undefined {
  const parts = texts.map((text) => text?.trim()).filter((text): text is string => Boolean(text));
  return parts.length > 0 ? parts.join(": ") : undefined;
}
