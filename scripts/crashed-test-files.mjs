#!/usr/bin/env node
/**
 * Reads node:test's JUnit report and prints the test files whose process died of a signal
 * (SIGTRAP, SIGABRT, SIGSEGV) rather than a test failing: under PGlite's WebAssembly churn Node
 * 24's V8 intermittently trips a CHECK in its JIT page registry ("Check failed:
 * jit_page_->allocations_.erase(addr) == 1", SIGTRAP; nodejs/node#64500,
 * electric-sql/pglite#1053), and we have seen glibc abort the same way ("corrupted size vs.
 * prev_size", SIGABRT), killing whichever test file happens to be running. A failing assertion
 * never ends a node:test process by a signal. Exit code 0 when every failure in the report
 * is such a crash (the files are worth one re-run), 1 when any test failed on its own (a re-run
 * would hide it), 2 when the report cannot be read.
 *
 * Usage: node scripts/crashed-test-files.mjs test-results/junit.xml
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const CRASH_SIGNALS = /signal: '(SIGTRAP|SIGABRT|SIGSEGV)'/;

let xml;
try {
  xml = readFileSync(process.argv[2] ?? 'test-results/junit.xml', 'utf8');
} catch (error) {
  console.error(`cannot read the JUnit report: ${error.message}`);
  process.exit(2);
}

const crashed = new Set();
let otherFailures = 0;
// A failing test case is a <testcase …> element holding a <failure>; the attributes name the
// file, and a whole-file crash is reported as a test case named after the file itself.
// Attribute values may hold an unescaped `>` (test names do), so attributes are matched whole.
for (const match of xml.matchAll(/<testcase((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g)) {
  const [, attributes, selfClosing] = match;
  if (selfClosing) continue;
  const start = match.index + match[0].length;
  const body = xml.slice(start, xml.indexOf('</testcase>', start));
  if (!body.includes('<failure')) continue;
  const name = /name="([^"]*)"/.exec(attributes)?.[1];
  const file = /file="([^"]*)"/.exec(attributes)?.[1];
  if (file && name && relative(process.cwd(), file) === name && CRASH_SIGNALS.test(body)) crashed.add(name);
  else otherFailures++;
}

for (const file of crashed) console.log(file);
process.exit(otherFailures === 0 && crashed.size > 0 ? 0 : 1);
