// defineAgent(): validates the shape early, so a typo shows at load time with the file name,
// and tags the object so the loader can tell an agent from any other default export.
import type { AgentDefinition } from './types';

const AGENT_TAG = Symbol.for('openrtc.AgentDefinition');
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

export function defineAgent<T extends AgentDefinition>(definition: T): T {
  if (definition === null || typeof definition !== 'object')
    throw new TypeError('defineAgent: expected an object { name, entry, prewarm? }');
  if (typeof definition.entry !== 'function')
    throw new TypeError('defineAgent: `entry` must be a function (ctx) => ...');
  if (definition.prewarm !== undefined && typeof definition.prewarm !== 'function')
    throw new TypeError('defineAgent: `prewarm` must be a function');
  if (definition.name !== undefined && (typeof definition.name !== 'string' || !NAME.test(definition.name))) {
    throw new TypeError(
      `defineAgent: name ${JSON.stringify(definition.name)} must be 1-128 of letters, digits, '-', '_'`,
    );
  }
  Object.defineProperty(definition, AGENT_TAG, { value: true });
  return definition;
}

export function isAgentDefinition(value: unknown): value is AgentDefinition {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[AGENT_TAG] === true;
}
