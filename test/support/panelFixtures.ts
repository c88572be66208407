/**
 * Every panel page as the extension builds it, from real inputs through the real builders: an image's history
 * matched to its Dockerfile (linked and unlinked steps, metadata steps, the base boundary), the files of a
 * `docker save` archive read by the real reader, running containers' ports, a compose file with a conflict, and a
 * multi-stage Dockerfile explained. Strings from the engine or a file include hostile ones, which must stay text.
 */
import { statsBody } from '../../src/panels/stats/statsHtml';
import { toContainer } from '../../src/docker/normalize';
import { explainBody, explainDockerfile } from '../../src/panels/explain/explainHtml';
import { readImageArchive } from '../../src/panels/layers/imageTar';
import { buildLayerView, matchDockerfile, type RawHistoryEntry } from '../../src/panels/layers/layerData';
import { layerBody, layerFilesHtml } from '../../src/panels/layers/layerHtml';
import { portMapFromCompose, portMapFromContainers } from '../../src/panels/ports/portData';
import { portBody } from '../../src/panels/ports/portHtml';
import { pieces, tarOf } from './layerArchives';
import type { PanelSource } from './panelHarness';

export const HOSTILE_STEP = '<img src=x onerror=alert(1)>';
export const HOSTILE_LABEL = '</script><script>alert(1)</script>';
export const HOSTILE_NAME = `it's "quoted" <b>`;

/** `docker history`, newest first: a build of four own steps with files or settings on a tagged base image. */
const HISTORY: RawHistoryEntry[] = [
  {
    Id: 'sha256:top',
    Created: 50,
    CreatedBy: '/bin/sh -c #(nop)  CMD ["httpd" "-f" "-p" "8080"]',
    Tags: [`web:${HOSTILE_NAME}`],
    Size: 0,
  },
  { Id: 'sha256:f', Created: 45, CreatedBy: `/bin/sh -c #(nop)  LABEL note="${HOSTILE_LABEL}"`, Tags: null, Size: 0 },
  { Id: 'sha256:e', Created: 40, CreatedBy: '/bin/sh -c #(nop)  EXPOSE 8080', Tags: null, Size: 0 },
  { Id: 'sha256:d', Created: 30, CreatedBy: '/bin/sh -c #(nop) COPY dir:0a1b2c in /www ', Tags: null, Size: 2048 },
  {
    Id: 'sha256:c',
    Created: 20,
    CreatedBy: `|1 MODE=prod /bin/sh -c mkdir -p /www && echo '${HOSTILE_STEP}' > /www/mode`,
    Tags: null,
    Size: 6,
  },
  { Id: 'sha256:b', Created: 10, CreatedBy: '/bin/sh -c #(nop)  ARG MODE=prod', Tags: null, Size: 0 },
  { Id: 'sha256:base', Created: 5, CreatedBy: '', Tags: ['busybox:1'], Size: 2_000_000, Comment: 'Imported from -' },
];

const LAYERS_DOCKERFILE = [
  'FROM busybox:1',
  'ARG MODE=prod',
  `RUN mkdir -p /www && echo '${HOSTILE_STEP}' > /www/mode`,
  'COPY site/ /www',
  'EXPOSE 8080',
  `LABEL note="${HOSTILE_LABEL}"`,
  'CMD ["httpd", "-f", "-p", "8080"]',
  '',
].join('\n');

/** The same image as `docker save` writes it: three layers, one deleting and one overwriting earlier files. */
function savedImage(): Buffer {
  const file = (name: string, size: number) => ({ name, data: Buffer.alloc(size, 0x61) });
  const layers = [
    tarOf([file('bin/sh', 900), file('tmp/cache.bin', 5000), file('usr/lib/old.so', 300), file('keep/<b>.txt', 1)]),
    tarOf([file('www/mode', 6), file('tmp/.wh.cache.bin', 0), file('usr/lib/.wh..wh..opq', 0)]),
    tarOf([file('www/index.html', 2048), file('bin/sh', 950)]),
  ];
  const entries = layers.map((data, i) => ({ name: `l${i}/layer.tar`, data }));
  // Oldest first, as the image config records it; metadata steps make no layer.
  const history = [...HISTORY].reverse().map((h) => ({
    created_by: h.CreatedBy,
    ...(h.Size === 0 ? { empty_layer: true } : {}),
  }));
  return tarOf([
    ...entries,
    { name: 'cfg.json', data: Buffer.from(JSON.stringify({ history })) },
    {
      name: 'manifest.json',
      data: Buffer.from(JSON.stringify([{ Config: 'cfg.json', Layers: entries.map((e) => e.name) }])),
    },
  ]);
}

const EXPLAINED_DOCKERFILE = [
  'FROM node:20 AS build',
  'WORKDIR /src',
  'COPY package*.json ./',
  'RUN npm ci',
  'COPY . .',
  `RUN echo "${HOSTILE_STEP}" && npm run build`,
  'FROM nginx:1.27',
  'COPY --from=build /src/dist /usr/share/nginx/html',
  'EXPOSE 80',
  'CMD ["nginx", "-g", "daemon off;"]',
  '',
].join('\n');

const COMPOSE = [
  'services:',
  '  pgadmin:',
  '    image: dpage/pgadmin4:8',
  '    ports:',
  '      - "5050:80"',
  `  "${HOSTILE_STEP}":`,
  '    image: nginx:1.27',
  '    ports:',
  '      - target: 80',
  '        published: 5050',
  '    expose: ["9000"]',
  '  local:',
  '    image: redis:7',
  '    network_mode: host',
  '    ports: ["127.0.0.1:6379:6379"]',
  '',
].join('\n');

export interface PanelFixtures {
  panels: Record<string, PanelSource>;
  /** What the layer panel is sent once the files are read (the `files` message). */
  layerFiles: string;
  /** How many of the layer view's steps are linked to a Dockerfile line. */
  linkedSteps: number;
}

export async function panelFixtures(): Promise<PanelFixtures> {
  const view = buildLayerView(`web:${HOSTILE_NAME}`, 'sha256:top', 50, HISTORY);
  const linkedSteps = matchDockerfile(view, LAYERS_DOCKERFILE);
  view.dockerfile = { path: 'web/Dockerfile', matched: linkedSteps };
  const files = await readImageArchive(pieces(savedImage()));
  const running = (name: string, ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[]) =>
    toContainer({
      Id: name.padEnd(64, '0'),
      Names: [`/${name}`],
      Image: 'x',
      State: 'running',
      Status: 'Up',
      Labels: { 'com.docker.compose.project': HOSTILE_LABEL },
      Ports: ports,
      HostConfig: { NetworkMode: 'bridge' },
    });
  const live = portMapFromContainers([
    running(`web-${HOSTILE_NAME}`, [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' },
    ]),
    running('db', [{ IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' }]),
    running('dns', [{ IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' }]),
  ]);
  return {
    panels: {
      layers: { body: layerBody(view), state: { kind: 'layers', image: 'sha256:top', name: HOSTILE_LABEL } },
      ports: { body: portBody(live), state: { kind: 'ports' } },
      compose: { body: portBody(portMapFromCompose(COMPOSE, 'compose.yaml')), state: { kind: 'ports' } },
      stats: {
        body: statsBody(`Stats: ${HOSTILE_LABEL}`, [
          {
            key: 'stats-0',
            name: `web-${HOSTILE_NAME}`,
            status: 'stopped',
            reason: HOSTILE_STEP,
            points: [
              { time: 1_000, cpu: 12, memUsed: 5e6, memLimit: 6.4e7, rxRate: 100, txRate: 50, pids: 2 },
              { time: 2_000, cpu: 80, memUsed: 6e6, memLimit: 6.4e7, rxRate: 900, txRate: 10, pids: 3 },
            ],
            latest: {
              time: 2_000,
              cpuPercent: 80,
              memory: { used: 6e6, limit: 6.4e7, percent: 9.4 },
              network: { rx: 5000, tx: 700 },
              blockIo: { read: 0, write: 0 },
              pids: 3,
            },
            now: 2_000,
          },
        ]),
        state: { kind: 'stats', ids: ['a'.repeat(64)], title: 'Stats' },
      },
      explain: {
        body: explainBody('web/Dockerfile', explainDockerfile(EXPLAINED_DOCKERFILE)),
        state: { kind: 'explain', uri: 'file:///w/web/Dockerfile' },
      },
    },
    layerFiles: layerFilesHtml(files, view),
    linkedSteps,
  };
}
