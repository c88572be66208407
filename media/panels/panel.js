// Dockside panels (layers, ports): wires clicks, keys and the filter; all HTML arrives escaped from the extension.
(function () {
  const vscode = acquireVsCodeApi();
  const initial = JSON.parse(document.body.dataset.state || 'null') || {};
  const state = Object.assign({}, initial, vscode.getState() || {});
  vscode.setState(state);

  const rows = () => Array.from(document.querySelectorAll('#rows tr[tabindex]'));
  const filterBox = document.getElementById('filter');

  function applyFilter() {
    if (!filterBox) return;
    const q = filterBox.value.trim().toLowerCase();
    for (const row of rows()) row.hidden = q !== '' && !(row.dataset.filter || '').includes(q);
    state.filter = filterBox.value;
    vscode.setState(state);
  }
  if (filterBox) {
    filterBox.value = state.filter || '';
    filterBox.addEventListener('input', applyFilter);
    applyFilter();
  }

  function activate(target) {
    const link = target.closest('a');
    if (link && link.dataset.url) return vscode.postMessage({ type: 'openUrl', url: link.dataset.url });
    if (link && link.dataset.lesson) return vscode.postMessage({ type: 'lesson', id: link.dataset.lesson });
    if (link && link.classList.contains('open-dockerfile')) return vscode.postMessage({ type: 'openDockerfile' });
    const row = target.closest('tr[data-line]');
    if (row) {
      select(row);
      vscode.postMessage({ type: 'reveal', line: Number(row.dataset.line) });
    }
  }

  function select(row) {
    for (const r of rows()) r.classList.toggle('selected', r === row);
    if (row && row.dataset.index) {
      state.selected = row.dataset.index;
      vscode.setState(state);
    }
  }

  document.addEventListener('click', (e) => {
    if (e.target.closest('#show-files')) {
      e.target.closest('#show-files').disabled = true;
      return vscode.postMessage({ type: 'files' });
    }
    if (e.target.closest('a')) e.preventDefault();
    activate(e.target);
  });
  document.addEventListener('keydown', (e) => {
    const row = e.target.closest && e.target.closest('tr[tabindex]');
    if (!row) return;
    const visible = rows().filter((r) => !r.hidden);
    const i = visible.indexOf(row);
    if (e.key === 'ArrowDown' && i < visible.length - 1) visible[i + 1].focus();
    else if (e.key === 'ArrowUp' && i > 0) visible[i - 1].focus();
    else if (e.key === 'Enter' || e.key === ' ') {
      const link = row.querySelector('a.open');
      activate(link || row);
    } else return;
    e.preventDefault();
  });

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg.type === 'rows') {
      document.getElementById('rows').innerHTML = msg.html;
      const summary = document.getElementById('summary');
      if (summary && typeof msg.summary === 'string') summary.innerHTML = msg.summary;
      applyFilter();
    } else if (msg.type === 'files') {
      document.getElementById('files').innerHTML = msg.html;
    } else if (msg.type === 'highlight') {
      const row = rows().find((r) => Number(r.dataset.line) === msg.line);
      if (row) {
        select(row);
        row.scrollIntoView({ block: 'nearest' });
      }
    }
  });

  if (state.selected) {
    const row = rows().find((r) => r.dataset.index === state.selected);
    if (row) select(row);
  }
  vscode.postMessage({ type: 'ready' });
})();
