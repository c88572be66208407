import * as assert from 'node:assert/strict';
import {
  blockIo,
  cpuPercentUnix,
  cpuPercentWindows,
  memoryUsedUnix,
  StatsHistory,
  statsSample,
  type RawStats,
  type StatsSample,
} from '../../src/docker/containerStats';
import { seriesLines, statsBody, statsSection, type ContainerStatsView } from '../../src/panels/stats/statsHtml';

/** A reading as dockerd 20.10 sends it on cgroup v1 (fields trimmed to those read). */
const reading = (over: Partial<RawStats> = {}): RawStats => ({
  read: '2026-12-01T05:00:01.000000000Z',
  preread: '2026-12-01T05:00:00.000000000Z',
  pids_stats: { current: 3 },
  cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 }, system_cpu_usage: 110_000_000_000, online_cpus: 4 },
  precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 106_000_000_000, online_cpus: 4 },
  memory_stats: { usage: 10_000_000, limit: 67_108_864, stats: { total_inactive_file: 2_000_000 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'Read', value: 4096 },
      { op: 'Write', value: 8192 },
      { op: 'Total', value: 12288 },
    ],
  },
  networks: { eth0: { rx_bytes: 1000, tx_bytes: 500 }, eth1: { rx_bytes: 24, tx_bytes: 12 } },
  ...over,
});

describe('container stats, computed as `docker stats` computes them', () => {
  it('CPU %: the container delta over the system delta, times the online CPUs', () => {
    // 0.5e9 / 4e9 * 4 * 100
    assert.equal(cpuPercentUnix(reading()), 50);
  });

  it('CPU % falls back to the per-CPU list when online_cpus is missing, and is 0 without a system delta', () => {
    const r = reading();
    r.cpu_stats = {
      cpu_usage: { total_usage: 2_500_000_000, percpu_usage: [1, 2] },
      system_cpu_usage: 110_000_000_000,
    };
    assert.equal(cpuPercentUnix(r), 25);
    assert.equal(cpuPercentUnix(reading({ precpu_stats: reading().cpu_stats })), 0);
  });

  it('CPU % on Windows: 100 ns intervals used over those possible since preread', () => {
    const r = reading({ num_procs: 2 });
    // 1 s * 2 procs = 2e7 intervals; 0.5e9 used
    assert.equal(cpuPercentWindows(r), (500_000_000 / 20_000_000) * 100);
  });

  it('memory: usage without the inactive page cache (v1 total_inactive_file, else v2 inactive_file)', () => {
    assert.equal(memoryUsedUnix({ usage: 10, stats: { total_inactive_file: 4 } }), 6);
    assert.equal(memoryUsedUnix({ usage: 10, stats: { inactive_file: 3 } }), 7);
    assert.equal(memoryUsedUnix({ usage: 10, stats: { inactive_file: 30 } }), 10);
  });

  it('block I/O sums read and write operations only', () => {
    assert.deepEqual(blockIo(reading(), 'linux'), { read: 4096, write: 8192 });
    assert.deepEqual(blockIo(reading({ blkio_stats: { io_service_bytes_recursive: null } }), 'linux'), {
      read: 0,
      write: 0,
    });
  });

  it('one sample with every figure; none for a container that is not running', () => {
    assert.deepEqual(statsSample(reading()), {
      time: Date.parse('2026-12-01T05:00:01Z'),
      cpuPercent: 50,
      memory: { used: 8_000_000, limit: 67_108_864, percent: (8_000_000 / 67_108_864) * 100 },
      network: { rx: 1024, tx: 512 },
      blockIo: { read: 4096, write: 8192 },
      pids: 3,
    });
    assert.equal(statsSample({ read: '0001-01-01T00:00:00Z' }), undefined);
    // The first reading of a stream has no earlier one: no CPU point.
    assert.equal(statsSample(reading({ precpu_stats: {} }))?.cpuPercent, undefined);
  });
});

describe('a minute of stats history', () => {
  const sample = (t: number, over: Partial<StatsSample> = {}): StatsSample => ({
    time: t,
    cpuPercent: 10,
    memory: { used: 100, limit: 1000, percent: 10 },
    network: { rx: t, tx: 0 },
    blockIo: { read: 0, write: t * 2 },
    pids: 1,
    ...over,
  });

  it('keeps at most 60 s, turns totals into rates, and ignores readings that are not newer', () => {
    const h = new StatsHistory();
    for (let s = 0; s <= 90; s++) h.add(sample(s * 1000));
    assert.equal(h.add(sample(50_000)), undefined);
    const points = h.window();
    assert.equal(points.length, 60);
    assert.equal(points[0]!.time, 31_000);
    assert.equal(points.at(-1)!.rxRate, 1000);
    assert.equal(points.at(-1)!.writeRate, 2000);
  });

  it('breaks the line after a pause, and gives no rate across a counter reset (a restart)', () => {
    const h = new StatsHistory();
    h.add(sample(1000));
    h.breakLine();
    const after = h.add(sample(5000))!;
    assert.equal(after.gap, true);
    assert.equal(after.rxRate, undefined);
    const reset = h.add(sample(6000, { network: { rx: 1, tx: 0 } }))!;
    assert.equal(reset.rxRate, undefined);
  });
});

describe('the stats panel HTML', () => {
  const view = (over: Partial<ContainerStatsView> = {}): ContainerStatsView => ({
    key: 'stats-0',
    name: '<img src=x onerror=alert(1)>&"web"',
    status: 'live',
    points: [
      { time: 0, cpu: 50, memUsed: 10, memLimit: 100, pids: 2 },
      { time: 30_000, cpu: 100, memUsed: 20, memLimit: 100, pids: 2, gap: true },
    ],
    latest: {
      time: 30_000,
      cpuPercent: 100,
      memory: { used: 20, limit: 100, percent: 20 },
      blockIo: { read: 0, write: 0 },
      pids: 2,
    },
    now: 60_000,
    ...over,
  });

  it('escapes daemon strings (names, reasons) and writes the figures beside the graphs', () => {
    const html = statsSection(view({ status: 'stopped', reason: 'the engine said <script>x</script> "quoted"' }));
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;web&quot;'));
    assert.ok(
      html.includes('The stats stream stopped: the engine said &lt;script&gt;x&lt;/script&gt; &quot;quoted&quot;'),
    );
    assert.ok(html.includes('<dt>CPU</dt><dd>100.0 %</dd>'));
    assert.ok(html.includes('<dt>Limit</dt><dd>100 B</dd>'));
    assert.ok(html.includes('<dt>Processes</dt><dd>2</dd>'));
    assert.ok(/role="img" aria-label="CPU over the last minute, 2 readings: CPU 100.0 %"/.test(html));
  });

  it("says when there is no memory limit, so the machine's memory is not taken for one", () => {
    const none = statsSection(view({ memoryLimitSet: false }));
    assert.ok(none.includes('<dt>Limit</dt><dd>none set: 100 B is all the memory of the engine&#39;s machine</dd>'));
    assert.ok(none.includes('<dt>Of the machine</dt><dd>20.0 %</dd>'));
    assert.ok(!none.includes('Of the limit'));
    for (const known of [true, undefined]) {
      const html = statsSection(view(known === undefined ? {} : { memoryLimitSet: known }));
      assert.ok(html.includes('<dt>Limit</dt><dd>100 B</dd>') && html.includes('Of the limit'), String(known));
    }
  });

  it('draws time across the last minute, and starts a new line at a gap', () => {
    assert.deepEqual(
      seriesLines(view().points, (p) => p.cpu, 100, 60_000),
      ['0.0,30.0', '150.0,0.0'],
    );
  });

  it('gives each section the id the script replaces, and no inline style or script', () => {
    const html = statsBody('Stats: <b>', [view(), view({ key: 'stats-1' })]);
    assert.ok(html.includes('<section class="stats" id="stats-1" aria-labelledby="stats-1-h">'));
    assert.ok(html.includes('<h1>Stats: &lt;b&gt;</h1>'));
    assert.ok(!/style=|<script|on[a-z]+=/i.test(html.replace(/onerror=alert/g, '')));
  });
});
