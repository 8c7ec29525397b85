/**
 * The agent's version, reported in `hello`; kept equal to agent/package.json by a unit test.
 * @module
 */
export const AGENT_VERSION = '0.1.0';
