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

/**
 * `value` with every secret masked in every string it holds (plain objects and arrays are copied, keys
 * included; other objects such as a `Date` are kept as they are). Returns `value` itself when it holds none.
 * @internal
 */
export function redactDeep<T>(value: T, secrets: readonly string[], depth = 0): T {
  if (secrets.length === 0) return value;
  if (typeof value === "string") return redact(value, secrets) as T;
  if (value === null || typeof value !== "object" || depth > 32) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => redactDeep(item, secrets, depth + 1));
    return (items.every((item, i) => item === value[i]) ? value : items) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safeKey = redact(key, secrets);
    const safe = redactDeep(item, secrets, depth + 1);
    if (safeKey !== key || safe !== item) changed = true;
    copy[safeKey] = safe;
  }
  return (changed ? copy : value) as T;
}
