/**
 * `unity-agent`: parses the command line, starts the agent, stops it cleanly on SIGTERM/SIGINT.
 * Exit codes: 0 stopped, 1 unexpected failure, 2 bad configuration, 3 enrollment refused.
 * @module
 */
import { startAgent } from './agent.js';
import { formatConfigError, HELP_TEXT, parseCli } from './config.js';
import { AgentError, errorMessage } from './errors.js';
import { createLogger } from './log.js';
import { AGENT_VERSION } from './version.js';

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`${formatConfigError(parsed.error)}\n`);
    return 2;
  }
  const command = parsed.value;
  if (command.kind === 'help') {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`unity-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  const log = createLogger(command.config.logLevel);
  let agent: Awaited<ReturnType<typeof startAgent>>;
  try {
    agent = await startAgent(command.config, { log });
  } catch (error) {
    if (error instanceof AgentError && error.code === 'config') {
      process.stderr.write(`config error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AgentError && error.code === 'enroll_rejected') {
      process.stderr.write(`${error.message}\n`);
      log.fatal({ problem: error.message }, 'enrollment refused');
      return 3;
    }
    process.stderr.write(`unity-agent: ${errorMessage(error)}\n`);
    log.fatal({ err: errorMessage(error) }, 'cannot start');
    return 1;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'stopping');
      const force = setTimeout(() => resolve(0), 10_000);
      force.unref();
      agent.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Timers of libraries (keep-alive sockets) must not keep a stopped agent alive.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`unity-agent: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
