// The density agent's source as job-agent-bundle.ts serves it to job-agent.ts (a virtual module).
declare module 'density-agent' {
  import type { AgentDefinition } from '@livekit/agents';
  const agent: AgentDefinition;
  export default agent;
}
