import { HISTORY_MS, type StatsPoint, type StatsSample } from '../../docker/containerStats';
import { escapeHtml, formatSize } from '../html';

/** What the panel shows of one container: its name, whether figures arrive, and the last minute of them. */
export interface ContainerStatsView {
  /** The element id of its section: `stats-0`, `stats-1`, … (never a daemon string). */
  key: string;
  name: string;
  /** `live`, `paused` (the panel is hidden), `waiting` (no figures yet), `stopped` (the stream ended: `reason`). */
  status: 'live' | 'paused' | 'waiting' | 'stopped';
  reason?: string;
  points: StatsPoint[];
  latest?: StatsSample;
  /** The time the graphs end at (the newest point's, or now). */
  now: number;
  /**
   * False when the container has no memory limit (its inspect's `HostConfig.Memory` is 0): the engine then reports
   * the memory of its whole machine as the limit. Undefined while unknown.
   */
  memoryLimitSet?: boolean;
}

const WIDTH = 300;
const HEIGHT = 60;

interface Series {
  cls: string;
  label: string;
  value: (p: StatsPoint) => number | undefined;
}

interface Graph {
  title: string;
  series: Series[];
  /** The top of the scale, at least this (100 for a percentage). */
  floor: number;
  /** A fixed top, when there is one: memory is drawn against its limit. */
  top?: (v: ContainerStatsView) => number | undefined;
  /** The numbers beside the graph, in words. */
  figures: (v: ContainerStatsView) => [string, string][];
}

const percent = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(1)} %`);
const rate = (n: number | undefined) => (n === undefined ? '–' : `${formatSize(n)}/s`);
const last = (points: StatsPoint[], pick: (p: StatsPoint) => number | undefined) => {
  for (let i = points.length - 1; i >= 0; i--) {
    const value = pick(points[i]!);
    if (value !== undefined) return value;
  }
  return undefined;
};

const GRAPHS: Graph[] = [
  {
    title: 'CPU',
    series: [{ cls: 'cpu', label: 'CPU %', value: (p) => p.cpu }],
    floor: 100,
    figures: (v) => [['CPU', percent(last(v.points, (p) => p.cpu))]],
  },
  {
    title: 'Memory',
    series: [{ cls: 'mem', label: 'memory used', value: (p) => p.memUsed }],
    floor: 1,
    top: (v) => v.latest?.memory?.limit,
    figures: (v) => {
      const m = v.latest?.memory;
      if (v.memoryLimitSet === false && m?.limit !== undefined)
        return [
          ['Used', formatSize(m.used)],
          ['Limit', `none set: ${formatSize(m.limit)} is all the memory of the engine's machine`],
          ['Of the machine', percent(m.percent)],
        ];
      return [
        ['Used', m ? formatSize(m.used) : '–'],
        ['Limit', m?.limit !== undefined ? formatSize(m.limit) : 'none reported'],
        ['Of the limit', percent(m?.percent)],
      ];
    },
  },
  {
    title: 'Network',
    series: [
      { cls: 'rx', label: 'received per second', value: (p) => p.rxRate },
      { cls: 'tx', label: 'sent per second', value: (p) => p.txRate },
    ],
    floor: 1024,
    figures: (v) =>
      v.latest?.network
        ? [
            ['Received', `${rate(last(v.points, (p) => p.rxRate))} (${formatSize(v.latest.network.rx)} in all)`],
            ['Sent', `${rate(last(v.points, (p) => p.txRate))} (${formatSize(v.latest.network.tx)} in all)`],
          ]
        : [['Network', 'none (no network, or the host network)']],
  },
  {
    title: 'Block I/O',
    series: [
      { cls: 'read', label: 'read per second', value: (p) => p.readRate },
      { cls: 'write', label: 'written per second', value: (p) => p.writeRate },
    ],
    floor: 1024,
    figures: (v) => [
      ['Read', `${rate(last(v.points, (p) => p.readRate))} (${formatSize(v.latest?.blockIo.read ?? 0)} in all)`],
      ['Written', `${rate(last(v.points, (p) => p.writeRate))} (${formatSize(v.latest?.blockIo.write ?? 0)} in all)`],
    ],
  },
  {
    title: 'PIDs',
    series: [{ cls: 'pids', label: 'processes', value: (p) => p.pids }],
    floor: 4,
    figures: (v) => [['Processes', v.latest?.pids === undefined ? '–' : String(v.latest.pids)]],
  },
];

/**
 * The polylines of one series: x is time over the last minute, y the value against the scale's top. A point that
 * has no value, or that starts after a break (`gap`), starts a new line.
 */
export function seriesLines(points: StatsPoint[], value: Series['value'], top: number, now: number): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) lines.push(current.join(' '));
    current = [];
  };
  for (const p of points) {
    const v = value(p);
    if (p.gap || v === undefined) flush();
    if (v === undefined) continue;
    const x = WIDTH - ((now - p.time) / HISTORY_MS) * WIDTH;
    const y = HEIGHT - (Math.min(v, top) / top) * HEIGHT;
    current.push(`${Math.max(0, x).toFixed(1)},${y.toFixed(1)}`);
  }
  flush();
  return lines;
}

function graph(g: Graph, v: ContainerStatsView): string {
  let top = g.top?.(v) ?? g.floor;
  for (const p of v.points) for (const s of g.series) top = Math.max(top, s.value(p) ?? 0);
  const lines = g.series.flatMap((s) =>
    seriesLines(v.points, s.value, top, v.now).map(
      (points) => `<polyline class="line ${s.cls}" points="${escapeHtml(points)}"></polyline>`,
    ),
  );
  const shown = v.points.length;
  const figures = g.figures(v);
  const label =
    `${g.title} over the last minute, ${shown} reading${shown === 1 ? '' : 's'}: ` +
    `${figures.map(([k, t]) => `${k} ${t}`).join(', ')}`;
  const legend =
    g.series.length > 1
      ? '<p class="legend">' +
        g.series.map((s) => `<span class="key ${s.cls}">${escapeHtml(s.label)}</span>`).join(' ') +
        '</p>'
      : '';
  return `<figure class="graph">
<figcaption>${escapeHtml(g.title)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(label)}">
<rect class="frame" x="0" y="0" width="${WIDTH}" height="${HEIGHT}"></rect>
${lines.join('\n')}
</svg>
<dl class="figures">${figures.map(([k, t]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(t)}</dd>`).join('')}</dl>
${legend}
</figure>`;
}

const STATUS_WORDS: Record<ContainerStatsView['status'], string> = {
  live: 'Live: a reading about every second (Podman: every five).',
  paused: 'Paused while the panel is hidden.',
  waiting: 'Waiting for the first readings…',
  stopped: 'The stats stream stopped.',
};

/** One container's section: its state in words, then a graph per figure with the numbers beside it. */
export function statsSection(v: ContainerStatsView): string {
  const status = v.status === 'stopped' && v.reason ? `The stats stream stopped: ${v.reason}` : STATUS_WORDS[v.status];
  return `<h2 id="${escapeHtml(v.key)}-h">${escapeHtml(v.name)}</h2>
<p class="status ${v.status}">${escapeHtml(status)}</p>
<div class="graphs">
${GRAPHS.map((g) => graph(g, v)).join('\n')}
</div>`;
}

const SUMMARY =
  "CPU, memory, network, block I/O and processes over the last minute, from the Engine API's stats stream, " +
  'computed as <code>docker stats</code> computes them. Network and disk are shown per second.';

/** The panel's page: a section per container (each replaced as its figures arrive). */
export function statsBody(title: string, views: ContainerStatsView[]): string {
  const sections = views.map(
    (v) =>
      `<section class="stats" id="${escapeHtml(v.key)}" aria-labelledby="${escapeHtml(v.key)}-h">` +
      `${statsSection(v)}</section>`,
  );
  return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="summary">${SUMMARY}</p>
</header>
${sections.join('\n')}`;
}
