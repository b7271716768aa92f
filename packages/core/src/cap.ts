// How much of a string a server sent may surface where opwatch shows it (an error's message, code and request
// id, a status word quoted in a message): whatever a server sends, these stay a few kilobytes. Callers mask
// the tokens first (`redact`), then cap: a cut made before masking could keep the first part of a token.

/** Characters kept of one server-provided field: a code, a request id, a status word, a content type. @internal */
export const MAX_FIELD_CHARS = 200;

/** Characters kept of an error's message (its head and its end, which says what to do). @internal */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * `text` cut to at most `max` characters, `…` at the cut; a surrogate pair is never split. With `keepEnd`,
 * the end of the text is kept too (a message's advice comes last) and the middle is left out. @internal
 */
export function capText(text: string, max: number, keepEnd = false): string {
  if (text.length <= max) return text;
  if (!keepEnd) return `${headOf(text, max - 1)}…`;
  const mark = ` […${text.length - max} characters left out…] `;
  const room = Math.max(2, max - mark.length);
  const tail = Math.floor(room / 3);
  return `${headOf(text, room - tail)}${mark}${tailOf(text, tail)}`;
}

function headOf(text: string, length: number): string {
  const end = isHighSurrogate(text.charCodeAt(length - 1)) ? length - 1 : length;
  return text.slice(0, Math.max(0, end));
}

function tailOf(text: string, length: number): string {
  const start = text.length - length;
  return text.slice(isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start);
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
