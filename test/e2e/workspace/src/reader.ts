import { readFileSync } from 'node:fs';

export async function loadGreeting(path: string): Promise<string> {
  const text = readFileSync(path, 'utf8');
  return text.trim();
}
