/**
 * Preloaded into every test file's process by scripts/test.sh, in place of node's
 * `--test-force-exit`: that flag calls process.exit() the moment the last test is done, before
 * the file's report has reached the runner, and the runner then counts fewer tests than ran with
 * exit code 0 (nodejs/node#64833; seen here as the last suites of router.test missing).
 *
 * Here a file whose tests are done but whose process stays up (a timer, socket or child left
 * open) is ended after a grace period instead, with what kept it alive on stderr and exit code 1:
 * a leak fails its file rather than holding up the run.
 */
import { after } from 'node:test';

const GRACE_MS = Number(process.env.UNITY_TEST_EXIT_GRACE_MS ?? 10_000);

// Only in a file's own process: the runner itself gets the same --import.
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    // The file's own `after` hooks run after this one: the grace period covers them too.
    const timer = setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
      process.stderr.write(
        `\nThis test file's tests are done but its process was still running ${GRACE_MS / 1000} s later;` +
          ` still open: ${open.join(', ') || '(nothing node can name)'}. Close them in an after() hook.\n`,
      );
      process.exit(1);
    }, GRACE_MS);
    timer.unref();
  });
}
