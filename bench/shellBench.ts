import { parseShellScript } from '../src/language/dockerfile/shellSyntax';
import { loadShellOracle, oracleCommands } from '../test/fixtures/shellOracle';
import { generateShellScripts, SHELL_CONSTRUCTS } from '../test/fixtures/shellScripts';

/**
 * The shell model against mvdan/sh at full size: 10,000 generated scripts (npm test runs 1,000), each parsed by
 * both and compared command by command, word by word, offset by offset. Also prints how fast Dockside's own parser
 * reads them, which is what every RUN of every keystroke pays.
 */
export function benchShell(count = 10000): void {
  const oracle = loadShellOracle();
  const scripts = [...SHELL_CONSTRUCTS, ...generateShellScripts(count)];
  const chars = scripts.reduce((n, s) => n + s.length, 0);
  const started = performance.now();
  for (const s of scripts) parseShellScript(s);
  const ms = performance.now() - started;
  console.log(`\nShell model: ${scripts.length} scripts, ${(chars / 1e6).toFixed(2)} MB`);
  console.log(`  Dockside's parser: ${ms.toFixed(0)} ms (${(chars / 1e3 / ms).toFixed(1)} MB/s, first pass, cold JIT)`);
  if (!oracle) {
    console.log('  differential: skipped, the mvdan-sh dev dependency is not installed');
    return;
  }
  let accepted = 0;
  let different = 0;
  const oracleStarted = performance.now();
  for (const script of scripts) {
    const expected = oracleCommands(oracle, script);
    if (typeof expected === 'string') continue;
    accepted++;
    const got = parseShellScript(script)
      .commands.filter((c) => c.words[0]?.value !== 'let')
      .map((c) => c.words.map((w) => [w.start, w.end]));
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      different++;
      if (different <= 3) console.log(`  differs: ${JSON.stringify(script).slice(0, 200)}`);
    }
  }
  console.log(
    `  differential against mvdan/sh: ${accepted} scripts compared, ${different} with different commands, words or ` +
      `offsets (${((performance.now() - oracleStarted) / 1000).toFixed(1)} s)`,
  );
}

if (require.main === module) benchShell(Number(process.argv[2] ?? 10000));
