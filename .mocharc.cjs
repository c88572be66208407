// Shared mocha settings: TypeScript through tsx, the global teardown hooks, and a reporter whose last line is
// "N passed, N failed, N skipped" for the whole run.
module.exports = {
  require: ['tsx/cjs', './test/support/rootHooks.ts'],
  reporter: './test/support/summaryReporter.cjs',
  timeout: 20000,
  slow: 2000,
};
