import { LineCounter, parseDocument } from 'yaml';
import { ComposeService } from '../src/language/compose/composeService';
import { COMPOSE_READ, parseYamlDocuments } from '../src/language/yamlParse';
import { measurePair, printRow } from './measure';

/** A compose file with `services` services, each with ports, environment, volumes, networks and depends_on. */
export function generateCompose(services: number): string {
  const out = ['name: bench', 'services:'];
  for (let i = 0; i < services; i++) {
    out.push(
      `  svc${i}:`,
      `    image: registry.example.com/team/svc${i}:1.${i}`,
      '    restart: unless-stopped',
      '    environment:',
      `      SERVICE_NAME: svc${i}`,
      '      LOG_LEVEL: info',
      '    ports:',
      `      - "127.0.0.1:${10000 + i}:8080"`,
      '    volumes:',
      `      - data${i % 10}:/var/lib/app`,
      '    networks: [back]',
      ...(i > 0 ? ['    depends_on:', `      - svc${i - 1}`] : []),
    );
  }
  out.push('networks:', '  back:', 'volumes:', ...Array.from({ length: 10 }, (_, k) => `  data${k}:`));
  return out.join('\n') + '\n';
}

/**
 * Full compose diagnostics beside the yaml package's parseDocument alone on the same text, then beside the parse
 * Dockside itself runs (yaml's, without its read of the environment per token): the first ratio is the standing
 * target, the second what the checks add to their own parse.
 */
export function benchCompose(): void {
  const baselines: [string, (text: string) => unknown][] = [
    ['yaml parseDocument alone; target ≤ 1.2', (text) => parseDocument(text, { lineCounter: new LineCounter() })],
    [
      "Dockside's own parse alone",
      (text) => parseYamlDocuments(text, { ...COMPOSE_READ, lineCounter: new LineCounter() }),
    ],
  ];
  for (const [name, baseline] of baselines) {
    console.log(`\nCompose diagnostics (median ms; ratio = Dockside / ${name})`);
    for (const services of [10, 1000]) {
      const text = generateCompose(services);
      const service = new ComposeService();
      let version = 0;
      // A small file's first round after the warm-up swings between 1.25x and 1.5x from one process to the next:
      // the middle of five rounds (by ratio) is the figure that repeats.
      const rounds = Array.from({ length: services >= 1000 ? 1 : 5 }, () =>
        measurePair(
          () => service.diagnose({ uri: 'bench', version: ++version, text }),
          () => baseline(text),
          services >= 1000 ? 9 : 201,
        ),
      ).sort((a, b) => a[0] / a[1] - b[0] / b[1]);
      const [ours, base] = rounds[Math.floor(rounds.length / 2)]!;
      printRow(`${services} services`, ours, base);
    }
  }
}
