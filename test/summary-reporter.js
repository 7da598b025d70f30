// Mocha's spec reporter, plus a JSON file with the counts (path in PGO_TEST_SUMMARY), so the
// test driver can add up the suites and print one closing "N passed, N failed" line.
'use strict';
const Mocha = require('mocha');
const fs = require('node:fs');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String(err && err.message) }));
    runner.once('end', () => {
      const file = process.env.PGO_TEST_SUMMARY;
      if (!file) return;
      const s = runner.stats;
      fs.writeFileSync(file, JSON.stringify({ passes: s.passes, failures: s.failures, pending: s.pending, failed: failures }));
    });
  }
}
module.exports = SummaryReporter;
