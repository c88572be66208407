import { runTeardown } from './teardown';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    await runTeardown();
  },
};
