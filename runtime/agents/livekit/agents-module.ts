// The agents-js package as the agent file sees it. It is never bundled and never imported
// statically by the runtime (~117 MB and ~1.6 s to load): it is resolved from the user's
// workspace through the agent file's own `require`, the first time an agent file asks for it,
// and cached by resolved path so every agent and plugin in the process shares one copy (its job
// context store is a module-level AsyncLocalStorage: a second copy would not see our jobs).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as Agents from '@livekit/agents';
import type * as Rtc from '@livekit/rtc-node';
import { AgentLoadError } from '../load-error';
import { installAgentsLogger } from './agents-logger';
import { captureRunApp, type RunAppCapture } from './run-app-capture';
import { voiceAgentSessionClass } from './voice/session-shim';

export type AgentsModule = typeof Agents;
export type RtcModule = typeof Rtc;
/** The Job message class of the @livekit/protocol copy agents-js itself uses. */
export interface ProtocolModule {
  Job: new (init?: object) => Agents.JobContext['job'];
}

export const SUPPORTED_AGENTS_VERSIONS = '1.9.x';
export const INSTALL_COMMAND = 'npm install --save-exact @livekit/agents@1.9.0 @livekit/rtc-node@0.13.35';

/** One resolved copy of agents-js with the packages it loads, and the shim agent code receives. */
export interface LoadedAgentsPackage {
  readonly path: string;
  readonly version: string;
  readonly agents: AgentsModule;
  readonly rtc: RtcModule;
  readonly protocol: ProtocolModule;
  /**
   * What `require('@livekit/agents')` returns to agent code: the real module, `cli.runApp` captured,
   * and an AgentSession that takes a local voice call's audio (voice/session-shim.ts).
   */
  readonly shim: AgentsModule;
}

const byPath = new Map<string, LoadedAgentsPackage>();

/** The agents-js copy the agent file at `file` resolves, loaded once per process. */
export function agentsPackageFor(file: string): LoadedAgentsPackage {
  const fileRequire = createRequire(file);
  let path: string;
  try {
    path = fileRequire.resolve('@livekit/agents');
  } catch {
    throw new AgentLoadError(
      `${file}: this is a LiveKit agents-js agent, but @livekit/agents is not installed where ${dirname(file)} can resolve it; ` +
        `run \`${INSTALL_COMMAND}\` in the project folder (supported: @livekit/agents ${SUPPORTED_AGENTS_VERSIONS})`,
    );
  }
  const cached = byPath.get(path);
  if (cached) return cached;
  // agents-js reads its logger from a process-wide slot (and throws if it is empty): fill it
  // before any of its modules can run.
  installAgentsLogger();
  const agentsRequire = createRequire(path);
  const agents = fileRequire('@livekit/agents') as AgentsModule;
  const loaded: LoadedAgentsPackage = {
    path,
    version: readVersion(agentsRequire),
    agents,
    rtc: agentsRequire('@livekit/rtc-node') as RtcModule,
    protocol: agentsRequire('@livekit/protocol') as ProtocolModule,
    shim: shimFor(agents),
  };
  byPath.set(path, loaded);
  return loaded;
}

/** Every agents-js copy loaded in this process (normally one). */
export function loadedAgentsPackages(): LoadedAgentsPackage[] {
  return [...byPath.values()];
}

let disposed: Promise<void> | undefined;

/**
 * rtc-node's native resources (FFI server, tokio runtimes) are per process: disposed once, when
 * the runtime process exits, never per job (LiveKit's job child does it per job because it exits).
 */
export function disposeAgentsNative(): Promise<void> {
  disposed ??= Promise.all(loadedAgentsPackages().map((p) => p.rtc.dispose())).then(() => undefined);
  return disposed;
}

function shimFor(agents: AgentsModule): AgentsModule {
  const AgentSession = voiceAgentSessionClass(agents);
  return {
    ...agents,
    cli: { ...agents.cli, runApp: captureRunApp },
    AgentSession,
    voice: { ...agents.voice, AgentSession },
  };
}

function readVersion(agentsRequire: NodeRequire): string {
  try {
    return (agentsRequire('../package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export type { RunAppCapture };
