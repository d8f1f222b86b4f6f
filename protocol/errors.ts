// What a caught value says, for a log line or an error message. Agent code may throw anything
// (a string, null, an object without a message), so nothing here assumes an Error.

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
