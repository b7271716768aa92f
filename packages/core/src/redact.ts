const MASK = "[REDACTED]";

/** Replaces every occurrence of each secret (tokens) in `text`. Secrets shorter than 4 characters are
 * left alone: masking them would garble ordinary words and hide nothing worth hiding. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out;
}
