// Client URIs to file paths: only `file:` URIs name files the server can read.
import { fileURLToPath } from 'node:url';

export function pathOfUri(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}
