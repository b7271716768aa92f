import { capText } from "./cap.js";

const MASK = "[REDACTED]";

/** How many tokens a client remembers for redaction: a token function that mints one per request must not
 * grow the list (and the work of every redaction) without end. The oldest is forgotten first. @internal */
export const MAX_REMEMBERED_SECRETS = 64;

/** Adds `secret` to `secrets` (a client's tokens so far), keeping the newest MAX_REMEMBERED_SECRETS. @internal */
export function rememberSecret(secrets: string[], secret: string): void {
  if (secrets.includes(secret)) return;
  secrets.push(secret);
  if (secrets.length > MAX_REMEMBERED_SECRETS) secrets.shift();
}

/** Replaces every occurrence of each secret (tokens) in `text`. Secrets shorter than 4 characters are
 * left alone: masking them would garble ordinary words and hide nothing worth hiding. @internal */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** What {@link redactDeep} does besides masking. @internal */
export interface RedactOptions {
  /** Cap every string (and every binary turned into text) at this many characters, after masking. */
  readonly cap?: number;
}

/**
 * `value` with every secret masked in every string it holds, at any depth (walked without recursion, so
 * no nesting a server can send overflows the stack). Plain objects and arrays are copied, keys included,
 * as plain data: a `__proto__` key stays an own property, never the copy's prototype. Binary data (a
 * `Buffer`, any typed array, an `ArrayBuffer`: Node keeps a parse error's raw bytes in `rawPacket`) becomes
 * its text, masked. A cycle becomes `"[Circular]"`. Other objects (a `Date`) are kept as they are. Returns
 * `value` itself when nothing in it changes.
 * @internal
 */
export function redactDeep<T>(value: T, secrets: readonly string[], options: RedactOptions = {}): T {
  const cap = options.cap;
  if (secrets.length === 0 && cap === undefined) return value;
  const leaf = (item: unknown): unknown => {
    if (typeof item === "string") return scrubText(item, secrets, cap);
    if (isBinary(item)) return scrubText(binaryText(item), secrets, cap);
    return item;
  };
  if (!isContainer(value)) return leaf(value) as T;
  const open = new Set<object>();
  const stack: Frame[] = [frameOf(value, open)];
  let result: unknown;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.index < frame.keys.length) {
      const key = frame.keys[frame.index] as string;
      const item = (frame.source as Record<string, unknown>)[key];
      if (isContainer(item)) {
        if (open.has(item)) frame.push("[Circular]");
        else stack.push(frameOf(item, open));
      } else frame.push(leaf(item));
      continue;
    }
    stack.pop();
    open.delete(frame.source);
    const built = frame.build(secrets, cap);
    if (stack.length === 0) result = built;
    else (stack[stack.length - 1] as Frame).push(built);
  }
  return result as T;
}

function scrubText(text: string, secrets: readonly string[], cap: number | undefined): string {
  const masked = redact(text, secrets);
  return cap === undefined ? masked : capText(masked, cap);
}

/** An array or a plain object: what {@link redactDeep} copies. */
function isContainer(value: unknown): value is object {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const isBinary = (value: unknown): value is ArrayBufferView | ArrayBuffer =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value);

/** Bytes as text, one character per byte (so an ASCII token in them reads as itself). */
function binaryText(value: ArrayBufferView | ArrayBuffer): string {
  const bytes =
    value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return text;
}

/** One array or object being copied: its keys, the copies of the values seen so far. */
class Frame {
  index = 0;
  readonly values: unknown[] = [];
  changed = false;

  constructor(
    readonly source: object,
    readonly keys: readonly string[],
    readonly array: boolean,
  ) {}

  push(value: unknown): void {
    const key = this.keys[this.index] as string;
    if (value !== (this.source as Record<string, unknown>)[key]) this.changed = true;
    this.values.push(value);
    this.index++;
  }

  build(secrets: readonly string[], cap: number | undefined): unknown {
    if (this.array) return this.changed ? this.values : this.source;
    const safeKeys = this.keys.map((key) => scrubText(key, secrets, cap));
    if (!this.changed && safeKeys.every((key, i) => key === this.keys[i])) return this.source;
    const copy: Record<string, unknown> = {};
    for (let i = 0; i < safeKeys.length; i++) {
      // A data property, whatever the key: assigning `__proto__` would set the copy's prototype.
      Object.defineProperty(copy, safeKeys[i] as string, {
        value: this.values[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
}

function frameOf(value: object, open: Set<object>): Frame {
  open.add(value);
  const array = Array.isArray(value);
  const keys = array ? Array.from({ length: (value as unknown[]).length }, (_, i) => String(i)) : Object.keys(value);
  return new Frame(value, keys, array);
}
