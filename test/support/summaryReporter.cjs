// The spec reporter, plus one closing line for the whole run: "N passed, N failed, N skipped".
// Skipped tests (this.skip(), pending) are listed with their reasons so that a skip is never silent. Before it, the
// slowest top-level suites with their hooks (an engine or a VS Code started in a `before` is timed nowhere else), so
// that the run's budget has a record in every CI log.
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;
const SLOWEST = 12;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    const started = new Map();
    const took = [];
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.parent && suite.parent.root) started.set(suite, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const at = started.get(suite);
      if (at !== undefined) took.push([Date.now() - at, suite.title]);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 };
      if (took.length > SLOWEST) {
        took.sort((a, b) => b[0] - a[0]);
        console.log(`Slowest suites, hooks included (of ${took.length}):`);
        for (const [ms, title] of took.slice(0, SLOWEST))
          console.log(`  ${(ms / 1000).toFixed(0).padStart(4)} s  ${title}`);
      }
      if (skipped.length) {
        console.log(`Skipped (${skipped.length}):`);
        for (const t of skipped) console.log(`  - ${t}`);
      }
      console.log(`${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}

module.exports = SummaryReporter;
