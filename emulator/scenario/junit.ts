/**
 * JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one <testsuite> per
 * command, one <testcase> per scenario, a <failure> (failed expectation) or <error> (timeout,
 * fault) naming the step, and the serial output in <system-out>.
 */
import type { ScenarioResult } from './runner.js';

export function junitXml(results: readonly ScenarioResult[], suiteName = 'circuitemu'): string {
  const failures = results.filter((r) => r.status === 'failed').length;
  const errors = results.filter((r) => r.status === 'timeout' || r.status === 'fault').length;
  const time = results.reduce((t, r) => t + r.wallSeconds, 0);
  const cases = results.map((r) => {
    const attrs = `name="${esc(r.scenario.name)}" classname="${esc(r.scenario.file)}" time="${r.wallSeconds.toFixed(3)}"`;
    const serial = new TextDecoder().decode(r.serial);
    const out = `      <system-out>${cdata(serial)}</system-out>\n`;
    const props = `      <properties><property name="simulated-seconds" value="${r.seconds.toFixed(6)}"/></properties>\n`;
    if (r.status === 'passed') return `    <testcase ${attrs}>\n${props}${out}    </testcase>\n`;
    const tag = r.status === 'failed' ? 'failure' : 'error';
    const message = r.message ?? r.status;
    return `    <testcase ${attrs}>\n${props}      <${tag} type="${r.status}" message="${esc(message)}">${esc(message)}</${tag}>\n${out}    </testcase>\n`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${esc(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">\n` +
    `  <testsuite name="${esc(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time.toFixed(3)}">\n` +
    cases.join('') +
    '  </testsuite>\n</testsuites>\n'
  );
}

/** Characters XML 1.0 cannot hold at all (control bytes a console may print) become U+FFFD. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

function esc(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

function cdata(s: string): string {
  return `<![CDATA[${clean(s).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
