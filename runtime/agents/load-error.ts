/** A load failure with a message of the form `<file>:<line>:<column>: <what>` where known. */
export class AgentLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentLoadError';
  }
}
