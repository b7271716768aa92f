// What the CLI prints of a server's strings (status words, codes, messages, ids, URLs, error texts): no
// character that a terminal acts on, nothing that breaks a line, a bounded length. A server's text can
// otherwise clear the screen (ESC[2J), retitle the window (OSC), move the cursor back over what was printed
// (CR, the C1 CSI U+009B), reorder what is shown (bidirectional overrides) or forge a line of its own (LF).
import { capText } from "@opwatch/core";

/**
 * Every character a terminal or a log reader treats as other than text: C0 controls (line breaks and tab
 * included), DEL, C1 controls, the line and paragraph separators, and the bidirectional marks, embeddings,
 * overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Characters of one field the text displays print (a status word, a code, an id). */
export const FIELD_CHARS = 200;
/** Characters of one message the text displays print (what went wrong, the server's own words). */
export const MESSAGE_CHARS = 1000;

/** `\u001b` for ESC: visible, one line, and the same escape JSON reads. */
const escapeOne = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` with every control character written as a `\uXXXX` escape: safe on a terminal, one line. */
export function neutralize(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** A server's string as a text display prints it: capped to `max` characters (`…` at the cut), then neutralized. */
export function printable(text: string, max = FIELD_CHARS): string {
  return neutralize(capText(text, max));
}

/**
 * One JSON record as one line that is safe on a terminal: `JSON.stringify` escapes C0 controls but leaves
 * C1 controls, the separators and the bidirectional marks as they are; these become `\uXXXX` escapes too,
 * which any JSON parser reads back as the same characters (outside strings, JSON has none of them).
 */
export function jsonLine(record: unknown): string {
  return neutralize(JSON.stringify(record));
}
