import { escapeHtml } from '../html';
import type { PortMap, PortRow } from './portData';

const SCOPE_WORDS: Record<PortRow['scope'], string> = {
  'all-interfaces': 'every interface: other machines can connect too',
  loopback: 'this machine only',
  address: 'one address of the host',
  'not-published': 'exposed only: reachable from other containers on its network, not from the host',
};

const SCOPE_BADGE: Record<PortRow['scope'], string> = {
  'all-interfaces': ' <span class="badge wide">all interfaces</span>',
  loopback: ' <span class="badge local">localhost only</span>',
  address: '',
  'not-published': '',
};

function hostCell(r: PortRow): string {
  if (!r.hostPort) return '<span class="muted">not published</span>';
  const ip = r.hostIp && r.hostIp.includes(':') ? `[${r.hostIp}]` : (r.hostIp ?? '0.0.0.0');
  const text = `${escapeHtml(ip)}:${escapeHtml(r.hostPort)}`;
  // The row is the tab stop and Enter on it opens the address; the link is for the mouse.
  return r.url ? `<a href="#" class="open" tabindex="-1" data-url="${escapeHtml(r.url)}">${text}</a>` : text;
}

/**
 * The rows, grouped by owner; `data-filter` holds the lowercased text the filter box matches. Only a row with an
 * address to open is a tab stop. Who can connect is written in the row; a conflict is a bordered badge in words.
 */
export function portRows(map: PortMap): string {
  if (!map.rows.length) {
    const none =
      map.source === 'live' ? 'No running container has ports.' : 'No service in this file has ports or expose.';
    return `<tr><td colspan="5" class="muted">${none}</td></tr>`;
  }
  const modes = new Map(map.owners.map((o) => [o.name, o.networkMode]));
  return map.rows
    .map((r) => {
      const mode = modes.get(r.owner) ?? 'bridge';
      const filter = [r.group ?? '', r.owner, r.hostIp ?? '', r.hostPort ?? '', r.containerPort, r.protocol, mode]
        .join(' ')
        .toLowerCase();
      const group = r.group ? `<span class="group">${escapeHtml(r.group)}</span> ` : '';
      const modeBadge =
        mode !== 'bridge' && mode !== 'default' ? ` <span class="badge mode">${escapeHtml(mode)}</span>` : '';
      const conflict = r.conflict ? ` <span class="badge bad">conflict: ${escapeHtml(r.conflict)}</span>` : '';
      const classes = ['port', r.scope, r.conflict ? 'conflict' : ''].filter(Boolean).join(' ');
      return (
        `<tr class="${classes}"${r.url ? ' tabindex="0"' : ''} data-filter="${escapeHtml(filter)}">` +
        `<td class="host">${hostCell(r)}${SCOPE_BADGE[r.scope]}` +
        `<div class="muted note">${escapeHtml(SCOPE_WORDS[r.scope])}</div></td>` +
        `<td class="arrow" aria-hidden="true">${r.hostPort ? '→' : '·'}</td>` +
        `<td class="owner">${group}${escapeHtml(r.owner)}${modeBadge}</td>` +
        `<td class="arrow" aria-hidden="true">→</td>` +
        `<td class="target">${escapeHtml(r.containerPort)}/${escapeHtml(r.protocol)}${conflict}</td>` +
        `</tr>`
      );
    })
    .join('\n');
}

export function portSummary(map: PortMap): string {
  const published = map.rows.filter((r) => r.hostPort).length;
  const exposed = map.rows.length - published;
  const owner = map.source === 'live' ? 'running container' : 'service';
  const owners = `${map.owners.length} ${owner}${map.owners.length === 1 ? '' : 's'}`;
  const conflicts = map.conflicts
    ? ` · <strong class="bad">${map.conflicts} conflict${map.conflicts > 1 ? 's' : ''}</strong>`
    : '';
  return `${owners} · ${published} published · ${exposed} exposed only${conflicts}`;
}

const FILTER =
  '<label class="filter">Filter ' +
  '<input id="filter" type="search" placeholder="name, port, address…" aria-label="Filter ports"></label>';

const HOW_PUBLISHING_WORKS = [
  '<p><code>-p 8080:80</code> (or <code>"8080:80"</code> under <code>ports:</code>) tells Docker to listen on port ' +
    '8080 of the host and forward what arrives to port 80 inside the container: host first, container second. ' +
    'The program inside must listen on port 80, on all its interfaces (0.0.0.0), not only on its own localhost.</p>',
  '<p><code>EXPOSE 80</code> in a Dockerfile publishes nothing. It records which port the image expects to use; ' +
    'other containers on the same network reach the container on any port anyway, and the host only through ' +
    '<code>-p</code>. <code>-P</code> publishes every exposed port on a random host port.</p>',
  '<p>Without an address, a published port listens on every interface of the host, so other machines can ' +
    'connect. Write <code>127.0.0.1:8080:80</code> to keep it to this machine. Only one program can listen on a ' +
    'host port and address: two mappings of the same host port conflict. With <code>network_mode: host</code> ' +
    "there is no mapping at all: the container uses the host's ports directly.</p>",
  '<p class="lessons">Learn more: <a href="#" data-lesson="ports-and-expose">ports and EXPOSE</a> · ' +
    '<a href="#" data-lesson="compose">Compose</a></p>',
].join('\n');

export function portBody(map: PortMap): string {
  return `<header>
<h1>Ports: ${escapeHtml(map.title)}</h1>
<p class="summary" id="summary">${portSummary(map)}</p>
${FILTER}
</header>
<table class="ports" aria-label="Port mappings: host address and port, container, container port">
<thead><tr><th>Host address:port</th><th><span class="visually-hidden">leads to</span></th>
<th>${map.source === 'live' ? 'Container' : 'Service'}</th><th><span class="visually-hidden">port inside</span></th>
<th>Container port</th></tr></thead>
<tbody id="rows">
${portRows(map)}
</tbody>
</table>
<section class="explain">
<h2>How publishing works</h2>
${HOW_PUBLISHING_WORKS}
</section>`;
}
