// Scenario files for local calls (`openrtc call --script F`): the caller's turns and pacing.
//   { "turns": ["hi", "a table for two"], "think_ms": 300, "reply_timeout_ms": 5000 }
// A turn may also be { "say": "..." }. Errors name the file, the key path and why.
import { readFile } from 'node:fs/promises';
import type { CallScript } from './local-caller';
import { messageOf } from '../../protocol/errors';

export class ScenarioError extends Error {
  constructor(file: string, path: string, why: string) {
    super(`${file}: ${path ? `${path}: ` : ''}${why}`);
    this.name = 'ScenarioError';
  }
}

const KEYS = new Set(['turns', 'think_ms', 'reply_timeout_ms']);
// The limits the runtime's startCalls checks, so a bad file is refused here, naming the file.
const MAX_TURNS = 1000;
const MAX_TURN_LENGTH = 10_000;
const MAX_MS = 600_000;

export function parseScenario(file: string, text: string): Pick<CallScript, 'turns'> & Partial<CallScript> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(file, '', `not valid JSON: ${messageOf(err)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ScenarioError(file, '', 'must be an object with "turns"');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj))
    if (!KEYS.has(key)) throw new ScenarioError(file, key, `unknown key (allowed: ${[...KEYS].join(', ')})`);
  if (!Array.isArray(obj['turns']))
    throw new ScenarioError(file, 'turns', 'must be a list of strings or {"say": "..."} objects');
  if (obj['turns'].length > MAX_TURNS)
    throw new ScenarioError(file, 'turns', `has ${obj['turns'].length} turns; at most ${MAX_TURNS}`);
  const turns = obj['turns'].map((t: unknown, i) => {
    const text =
      typeof t === 'string'
        ? t
        : t !== null && typeof t === 'object'
          ? (t as Record<string, unknown>)['say']
          : undefined;
    if (typeof text !== 'string') throw new ScenarioError(file, `turns[${i}]`, 'must be a string or {"say": "..."}');
    if (text.length > MAX_TURN_LENGTH)
      throw new ScenarioError(file, `turns[${i}]`, `is ${text.length} characters; at most ${MAX_TURN_LENGTH}`);
    return text;
  });
  const ms = (key: string): number | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_MS)
      throw new ScenarioError(file, key, `must be a whole number of milliseconds from 0 to ${MAX_MS}`);
    return v;
  };
  const thinkMs = ms('think_ms');
  const replyTimeoutMs = ms('reply_timeout_ms');
  return {
    turns,
    ...(thinkMs !== undefined ? { thinkMs } : {}),
    ...(replyTimeoutMs !== undefined ? { replyTimeoutMs } : {}),
  };
}

export async function loadScenarioFile(file: string): Promise<ReturnType<typeof parseScenario>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, '', `cannot read: ${messageOf(err)}`);
  }
  return parseScenario(file, text);
}
