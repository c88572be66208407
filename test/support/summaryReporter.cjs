// The spec reporter, plus one closing line for the whole run: "N passed, N failed, N skipped".
// Skipped tests (this.skip(), pending) are listed with their reasons so that a skip is never silent.
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 };
      if (skipped.length) {
        console.log(`Skipped (${skipped.length}):`);
        for (const t of skipped) console.log(`  - ${t}`);
      }
      console.log(`${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}

module.exports = SummaryReporter;
