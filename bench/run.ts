// `npm run bench`: prints numbers; it asserts nothing. Targets are in DEVELOPERS.md and the issues.
import { benchBundle } from './bundleBench';
import { benchBuildContext, benchBuilders } from './buildBench';
import { benchCompose } from './composeBench';
import { benchDockerfile } from './dockerfileBench';
import { benchDockerfileCold } from './dockerfileColdBench';
import { benchExplorer } from './explorerBench';
import { benchForecast } from './forecastBench';
import { benchShell } from './shellBench';
import { benchSizes } from './sizeBench';
import { runTeardown } from '../test/support/teardown';

async function main(): Promise<void> {
  console.log(`Dockside benchmarks on Node ${process.version}`);
  benchBundle();
  await benchDockerfile();
  benchDockerfileCold();
  benchShell();
  benchCompose();
  benchSizes();
  await benchBuildContext();
  if (!process.argv.includes('--no-docker')) {
    try {
      await benchBuilders();
      await benchExplorer();
      await benchForecast();
    } finally {
      // The private engine the suites share stops once, after the last bench that uses it.
      await runTeardown();
    }
  }
}

void main();
