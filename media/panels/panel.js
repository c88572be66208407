// Dockside panels (layers, ports, explain, stats): wires clicks, keys, the filter and messages; all HTML arrives
// escaped from the extension.
(function () {
  const vscode = acquireVsCodeApi();
  const initial = JSON.parse(document.body.dataset.state || 'null') || {};
  const state = Object.assign({}, initial, vscode.getState() || {});
  vscode.setState(state);

  const tableRows = () => Array.from(document.querySelectorAll('#rows > tr'));
  const filterable = () => tableRows().filter((r) => r.hasAttribute('data-filter'));
  // Only rows with an action are tab stops, so arrow keys move between those that are shown.
  const actionRows = () => tableRows().filter((r) => r.hasAttribute('tabindex') && !r.hidden);
  const filterBox = document.getElementById('filter');
  const status = document.getElementById('announce');

  /** Says something through the status region: screen readers read it out and focus stays where it is. */
  function announce(text) {
    if (!status) return;
    // A region whose text does not change is not read again, so a repeated message gets a trailing no-break space.
    status.textContent = status.textContent === text ? `${text}\u00a0` : text;
  }

  function applyFilter(speak) {
    if (!filterBox) return;
    const query = filterBox.value.trim();
    const q = query.toLowerCase();
    const rows = filterable();
    let shown = 0;
    for (const row of rows) {
      row.hidden = q !== '' && !(row.dataset.filter || '').includes(q);
      if (!row.hidden) shown++;
    }
    state.filter = filterBox.value;
    vscode.setState(state);
    if (!speak) return;
    if (q === '') announce(`Filter cleared: all ${rows.length} rows are shown.`);
    else if (shown === 0) announce(`No matches for “${query}”.`);
    else announce(`${shown} of ${rows.length} rows match “${query}”.`);
  }
  if (filterBox) {
    filterBox.value = state.filter || '';
    filterBox.addEventListener('input', () => applyFilter(true));
    applyFilter(false);
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
    for (const r of tableRows()) {
      r.classList.toggle('selected', r === row);
      if (r === row) r.setAttribute('aria-current', 'true');
      else r.removeAttribute('aria-current');
    }
    if (row && row.dataset.index) {
      state.selected = row.dataset.index;
      vscode.setState(state);
    }
  }

  function readFiles(button) {
    // Disabling the button would drop focus to the page; it stays focusable and says it is busy instead.
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    announce('Reading the files of each layer. This can take a while for a large image.');
    vscode.postMessage({ type: 'files' });
  }

  document.addEventListener('click', (e) => {
    const button = e.target.closest('#show-files');
    if (button) return readFiles(button);
    if (e.target.closest('a')) e.preventDefault();
    activate(e.target);
  });

  document.addEventListener('keydown', (e) => {
    // Only keys on a row itself: a focused link, button or the filter box keeps its own Enter and Space.
    const row = e.target instanceof Element && e.target.matches('#rows > tr[tabindex]') ? e.target : null;
    if (!row) return;
    const rows = actionRows();
    const i = rows.indexOf(row);
    if (e.key === 'ArrowDown' && i < rows.length - 1) rows[i + 1].focus();
    else if (e.key === 'ArrowUp' && i > 0) rows[i - 1].focus();
    else if (e.key === 'Home' && rows.length) rows[0].focus();
    else if (e.key === 'End' && rows.length) rows[rows.length - 1].focus();
    else if (e.key === 'Enter' || e.key === ' ') activate(row.querySelector('a.open') || row);
    else return;
    e.preventDefault();
  });

  /** New rows from the extension; the row that had focus keeps it, or the filter box takes it, never the page. */
  function replaceRows(msg) {
    const active = document.activeElement;
    const focusedRow = active && active.closest ? active.closest('#rows > tr') : null;
    const key = focusedRow ? focusedRow.dataset.filter : undefined;
    document.getElementById('rows').innerHTML = msg.html;
    const summary = document.getElementById('summary');
    if (summary && typeof msg.summary === 'string') summary.innerHTML = msg.summary;
    applyFilter(false);
    if (!focusedRow) return;
    const same = actionRows().find((r) => key !== undefined && r.dataset.filter === key);
    const fallback = same || actionRows()[0] || filterBox;
    if (fallback) fallback.focus();
  }

  /** The layer files arrived (or why they could not be read): focus moves to them and the news is read out. */
  function showFiles(html) {
    const files = document.getElementById('files');
    if (!files) return;
    files.innerHTML = html;
    const first = files.firstElementChild;
    if (first) {
      first.setAttribute('tabindex', '-1');
      first.focus();
    }
    const layers = files.querySelectorAll('details').length;
    announce(
      layers
        ? `The files of ${layers} layer${layers === 1 ? '' : 's'} are loaded, below the steps.`
        : (files.textContent || '').trim(),
    );
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'rows' && typeof msg.html === 'string') replaceRows(msg);
    else if (msg.type === 'files' && typeof msg.html === 'string') showFiles(msg.html);
    else if (msg.type === 'section' && typeof msg.html === 'string' && /^stats-\d+$/.test(msg.id)) {
      // A stats section's new figures; focus is never moved, and only a change of state is read out.
      const section = document.getElementById(msg.id);
      if (section) section.innerHTML = msg.html;
      if (typeof msg.announce === 'string' && msg.announce) announce(msg.announce);
    } else if (msg.type === 'highlight') {
      const row = tableRows().find((r) => r.hasAttribute('data-line') && Number(r.dataset.line) === msg.line);
      if (row) {
        select(row);
        row.scrollIntoView({ block: 'nearest' });
      }
    }
  });

  if (state.selected) {
    const row = tableRows().find((r) => r.dataset.index === state.selected);
    if (row) select(row);
  }
  vscode.postMessage({ type: 'ready' });
})();
