/**
 * The report page's own script, inlined after Chart.js. Plain ES2017 for any browser
 * that opens a local file. Every piece of row data reaches the page through
 * textContent or a property, never innerHTML, so a transcript cannot inject markup.
 *
 * Rows come from the compact summaries in #rows-data (field order: HtmlRowSummary in
 * reportHtml.ts). The review queue above the table is server-rendered; its line links
 * (#line=N) open the row here. A row's transcript and call details are in its chunk file
 * (transcriptChunks.ts), loaded by adding a <script src> when the row is opened: the
 * chunk calls window.cmcReportChunk(generation, chunk, rows), and the page uses it only
 * when the generation is its own and each row's line matches.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }
  var summary = readJson('summary-data');
  var meta = readJson('meta-data');
  function disposition(index) { return meta.dispositions[index] || { name: 'needs_review', review: true }; }
  var rows = readJson('rows-data').map(function (a, i) {
    return { index: i, line: a[0], phone: a[1].replace(/\*/g, '\u2022'), outcome: meta.outcomes[a[2]] || 'unknown',
      goal: a[3] === null ? null : a[3] === 1,
      attempts: a[4], durationS: a[5], credits: a[6], error: a[7],
      recording: a[8] === null ? null : 'recordings/' + a[8], excerpt: a[9],
      disposition: a[10] === null ? null : disposition(a[10]).name, review: a[10] !== null && disposition(a[10]).review };
  });

  var LABELS = {
    'completed': 'Completed', 'no-answer': 'No answer', 'busy': 'Busy', 'failed': 'Failed',
    'voicemail': 'Voicemail', 'rejected': 'Rejected', 'invalid': 'Invalid', 'duplicate': 'Duplicate',
    'suppressed': 'Suppressed', 'no_consent': 'No consent', 'capped': 'Frequency cap',
    'not_called_budget': 'Not called (budget)', 'cancelled': 'Cancelled',
    'unknown': 'Unknown', 'pending': 'Pending'
  };
  var COLORS = {
    'completed': '#16a34a', 'no-answer': '#94a3b8', 'busy': '#f59e0b', 'failed': '#dc2626',
    'voicemail': '#8b5cf6', 'rejected': '#9f1239', 'invalid': '#64748b', 'duplicate': '#cbd5e1',
    'suppressed': '#a16207', 'no_consent': '#854d0e', 'capped': '#b45309',
    'not_called_budget': '#ea580c', 'cancelled': '#475569',
    'unknown': '#db2777', 'pending': '#60a5fa'
  };
  var NEEDS_ATTENTION = { 'unknown': true, 'rejected': true };
  // Filter values: '' all, '@attention', '@review', an outcome, or this prefix and a disposition.
  var DISPOSITION_FILTER = 'disposition:';
  var PAGE_SIZE = 50;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function label(outcome) { return LABELS[outcome] || outcome; }
  function badge(outcome) {
    var node = el('span', 'badge', label(outcome));
    node.style.background = COLORS[outcome] || '#64748b';
    if (outcome === 'duplicate') node.style.color = '#1e293b';
    return node;
  }
  function seconds(value) {
    if (value === null || value === undefined) return '';
    var s = Math.round(value);
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }
  function localTime(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  // Times were written in UTC; show them in the reader's own time zone.
  Array.prototype.forEach.call(document.querySelectorAll('time[datetime]'), function (node) {
    node.title = node.getAttribute('datetime');
    node.textContent = localTime(node.getAttribute('datetime'));
  });

  // Outcome legend as a list with counts: readable at 13 outcomes, and there without Chart.js.
  var legend = document.getElementById('outcomes-legend');
  Object.keys(summary.outcomes).forEach(function (k) {
    var n = summary.outcomes[k];
    if (!n) return;
    var li = el('li');
    var swatch = el('span', 'swatch');
    swatch.style.background = COLORS[k] || '#64748b';
    li.appendChild(swatch);
    li.appendChild(el('span', '', label(k)));
    li.appendChild(el('span', 'n', n.toLocaleString()));
    li.appendChild(el('span', 'pct', Math.round((n / summary.totalRows) * 1000) / 10 + '%'));
    legend.appendChild(li);
  });

  // ---- charts -------------------------------------------------------------
  function noData(canvasId, text) {
    var canvas = document.getElementById(canvasId);
    canvas.parentNode.replaceChild(el('div', 'empty', text), canvas);
  }
  if (window.Chart) {
    Chart.defaults.animation = false;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

    var present = Object.keys(summary.outcomes).filter(function (k) { return summary.outcomes[k] > 0; });
    if (present.length === 0) noData('outcomes-chart', 'No rows.');
    else new Chart(document.getElementById('outcomes-chart'), {
      type: 'doughnut',
      data: {
        labels: present.map(label),
        datasets: [{ data: present.map(function (k) { return summary.outcomes[k]; }),
          backgroundColor: present.map(function (k) { return COLORS[k] || '#64748b'; }), borderWidth: 1 }]
      },
      options: { maintainAspectRatio: false, cutout: '55%', plugins: { legend: { display: false } } }
    });

    var series = summary.callsOverTime;
    if (!series) noData('timeline-chart', 'No calls have ended yet.');
    else {
      var bucketMs = series.bucketMinutes * 60000;
      var spansDays = series.counts.length * bucketMs > 20 * 3600000;
      var labels = series.counts.map(function (_, i) {
        var d = new Date(series.startMs + i * bucketMs);
        return spansDays
          ? d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
          : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      });
      new Chart(document.getElementById('timeline-chart'), {
        type: 'bar',
        data: { labels: labels, datasets: [{ label: 'Calls ended per ' + series.bucketMinutes + ' min',
          data: series.counts, backgroundColor: '#2563eb' }] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { display: true, position: 'top', align: 'end' } } }
      });
    }

    var credits = summary.credits;
    var budgetSets = credits.budget === null
      ? [{ label: 'Spent', data: [credits.spent], backgroundColor: '#2563eb' }]
      : credits.spent > credits.budget
        ? [{ label: 'Budget', data: [credits.budget], backgroundColor: '#2563eb' },
           { label: 'Over budget', data: [credits.spent - credits.budget], backgroundColor: '#dc2626' }]
        : [{ label: 'Spent', data: [credits.spent], backgroundColor: '#2563eb' },
           { label: 'Remaining', data: [credits.budget - credits.spent], backgroundColor: '#e2e8f0' }];
    new Chart(document.getElementById('credits-chart'), {
      type: 'bar',
      data: { labels: ['Credits'], datasets: budgetSets },
      options: { indexAxis: 'y', maintainAspectRatio: false,
        scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true, display: false } },
        plugins: { legend: { position: 'bottom' } } }
    });
  } else {
    ['outcomes-chart', 'timeline-chart', 'credits-chart'].forEach(function (id) { noData(id, 'Charts unavailable.'); });
  }

  // ---- transcript chunks ---------------------------------------------------
  var CHUNKS = meta.chunks;
  var KEEP_CHUNKS = 8;
  var chunkPromises = {};
  var chunkOrder = [];
  var waiting = {};
  var STALE = 'The transcripts beside this file belong to another version of this report ' +
    '(it has been written again since this page was opened). Reload the page.';

  function chunkFile(n) {
    var name = String(n);
    while (name.length < 4) name = '0' + name;
    return CHUNKS.dir + '/' + name + '.js';
  }
  function settle(n, value) {
    var list = waiting[n] || [];
    delete waiting[n];
    list.forEach(function (resolve) { resolve(value); });
  }
  window[CHUNKS.callback] = function (generation, n, data) {
    if (!waiting[n]) return;
    settle(n, generation === meta.generation && Array.isArray(data) ? { rows: data } : { problem: STALE });
  };
  // One <script src> per chunk: classic scripts are what a file:// page may load (fetch may not).
  function loadChunk(n) {
    if (chunkPromises[n]) return chunkPromises[n];
    var file = chunkFile(n);
    var promise = new Promise(function (resolve) {
      (waiting[n] = waiting[n] || []).push(resolve);
      var script = document.createElement('script');
      script.src = file;
      script.onload = function () {
        script.remove();
        settle(n, { problem: file + ' did not hold the transcripts this page expects. ' + STALE });
      };
      script.onerror = function () {
        script.remove();
        settle(n, { problem: 'Could not read ' + file + '. Keep the ' + CHUNKS.dir + '/ folder beside report.html.' });
      };
      document.head.appendChild(script);
    });
    chunkPromises[n] = promise;
    chunkOrder.push(n);
    promise.then(function (chunk) {
      // A missing file may turn up (a copy finishing): let the next click try again.
      if (chunk.problem && chunkPromises[n] === promise) forget(n);
    });
    while (chunkOrder.length > KEEP_CHUNKS) delete chunkPromises[chunkOrder.shift()];
    return promise;
  }
  function forget(n) {
    delete chunkPromises[n];
    chunkOrder = chunkOrder.filter(function (m) { return m !== n; });
  }
  function chunkOf(r) { return Math.floor(r.index / CHUNKS.rows) + 1; }
  function loadDetail(r) {
    var n = chunkOf(r);
    return loadChunk(n).then(function (chunk) {
      if (chunk.problem) return { problem: chunk.problem };
      var d = chunk.rows[r.index - (n - 1) * CHUNKS.rows];
      if (!d || d.line !== r.line) return { problem: STALE };
      return { detail: d };
    });
  }

  // ---- table --------------------------------------------------------------
  var search = document.getElementById('search');
  var fullText = document.getElementById('search-transcripts');
  var filter = document.getElementById('outcome-filter');
  var tbody = document.getElementById('rows-body');
  var countNode = document.getElementById('row-count');
  var scanNode = document.getElementById('scan-info');
  var pageNode = document.getElementById('page-info');
  var prev = document.getElementById('prev-page');
  var next = document.getElementById('next-page');
  var COLUMNS = 10;
  var state = { query: '', outcome: '', page: 0, openLine: null };
  var matches = rows;
  // Rows whose whole transcript matches the query; filled chunk by chunk by scanTranscripts.
  var scan = { id: 0, query: '', hits: null };
  // The open row's detail, kept across re-renders so its audio and transcript stay put.
  var openDetail = null;

  var counts = {};
  rows.forEach(function (r) { counts[r.outcome] = (counts[r.outcome] || 0) + 1; });
  var attention = rows.filter(function (r) { return NEEDS_ATTENTION[r.outcome]; }).length;
  if (attention > 0) filter.appendChild(new Option('Needs attention (' + attention.toLocaleString() + ')', '@attention'));
  var inReview = rows.filter(function (r) { return r.review; }).length;
  if (inReview > 0) filter.appendChild(new Option('Review queue (' + inReview.toLocaleString() + ')', '@review'));
  var outcomeGroup = el('optgroup');
  outcomeGroup.label = 'Outcome';
  Object.keys(LABELS).forEach(function (k) {
    if (counts[k]) outcomeGroup.appendChild(new Option(label(k) + ' (' + counts[k].toLocaleString() + ')', k));
  });
  filter.appendChild(outcomeGroup);
  var dispositionCounts = {};
  rows.forEach(function (r) { if (r.disposition) dispositionCounts[r.disposition] = (dispositionCounts[r.disposition] || 0) + 1; });
  var dispositionGroup = el('optgroup');
  dispositionGroup.label = 'Disposition';
  meta.dispositions.forEach(function (d) {
    var name = d.name;
    var n = dispositionCounts[name];
    if (n) dispositionGroup.appendChild(new Option(name + ' (' + n.toLocaleString() + ')', DISPOSITION_FILTER + name));
  });
  if (dispositionGroup.childNodes.length) filter.appendChild(dispositionGroup);

  function haystack(r) {
    if (r._text === undefined) {
      r._text = [r.line, r.phone, label(r.outcome), r.outcome, r.disposition || '', r.error || '', r.excerpt].join(' ').toLowerCase();
    }
    return r._text;
  }
  function chosen(r) {
    var f = state.outcome;
    if (!f) return true;
    if (f === '@attention') return NEEDS_ATTENTION[r.outcome] === true;
    if (f === '@review') return r.review;
    if (f.indexOf(DISPOSITION_FILTER) === 0) return r.disposition === f.slice(DISPOSITION_FILTER.length);
    return r.outcome === f;
  }
  function filterRows() {
    var q = state.query.trim().toLowerCase();
    var hits = scan.query === q ? scan.hits : null;
    matches = rows.filter(function (r) {
      if (!chosen(r)) return false;
      return !q || haystack(r).indexOf(q) !== -1 || (hits !== null && hits[r.index] === true);
    });
  }
  function applyFilters() {
    var q = state.query.trim().toLowerCase();
    if (fullText.checked && q && q !== scan.query) scanTranscripts(q);
    if (!fullText.checked || !q) { scan.id += 1; scan.query = ''; scan.hits = null; scanNode.hidden = true; }
    filterRows();
    state.page = 0;
    render();
  }
  // Reads the chunks for "whole transcripts", SCAN_AT_ONCE at a time: only those chunks'
  // text is held (plus the few kept for opened rows), never all of them.
  var SCAN_AT_ONCE = 4;
  async function scanTranscripts(q) {
    var id = ++scan.id;
    scan.query = q;
    scan.hits = {};
    var problems = 0;
    scanNode.hidden = false;
    for (var from = 1; from <= CHUNKS.count; from += SCAN_AT_ONCE) {
      var to = Math.min(CHUNKS.count, from + SCAN_AT_ONCE - 1);
      scanNode.textContent = 'Searching whole transcripts: file ' + to + ' of ' + CHUNKS.count + '…';
      var batch = [];
      for (var n = from; n <= to; n++) batch.push(loadChunk(n));
      var loaded = await Promise.all(batch);
      if (id !== scan.id) return;
      loaded.forEach(function (chunk, k) {
        if (chunk.problem) { problems += 1; return; }
        var base = (from + k - 1) * CHUNKS.rows;
        chunk.rows.forEach(function (d, i) {
          var row = rows[base + i];
          if (!d || !row || d.line !== row.line) return;
          for (var t = 0; t < d.transcript.length; t++) {
            if (String(d.transcript[t][1]).toLowerCase().indexOf(q) !== -1) { scan.hits[base + i] = true; return; }
          }
        });
      });
      var page = state.page;
      filterRows();
      state.page = page;
      render();
    }
    scanNode.textContent = 'Searched the whole transcripts of ' + rows.length.toLocaleString() + ' rows' +
      (problems > 0 ? '; ' + problems + ' transcript file(s) could not be read.' : '.');
  }

  function fact(facts, name, value, className) {
    if (value === null || value === undefined || value === '') return null;
    facts.appendChild(el('dt', '', name));
    var dd = el('dd', className || '', value);
    facts.appendChild(dd);
    return dd;
  }
  function detailRow(r) {
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = COLUMNS;
    var grid = el('div', 'detail-grid');
    var left = el('div');
    left.appendChild(el('h3', '', 'Row'));
    var facts = el('dl', 'facts');
    fact(facts, 'CSV line', r.line);
    fact(facts, 'Phone', r.phone);
    fact(facts, 'Outcome', label(r.outcome));
    fact(facts, 'Disposition', r.disposition && r.disposition + (r.review ? ' (review queue)' : ''));
    fact(facts, 'Goal', r.goal === null ? null : (r.goal ? 'achieved' : 'not achieved'));
    var problem = fact(facts, 'Problem', r.error, 'error-text');
    left.appendChild(facts);
    var calls = el('div');
    left.appendChild(calls);
    if (r.recording) {
      left.appendChild(el('h3', '', 'Recording'));
      var audio = el('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = r.recording;
      left.appendChild(audio);
    }
    var right = el('div');
    right.appendChild(el('h3', '', 'Transcript'));
    var box = el('div', 'dim loading', 'Loading the transcript…');
    right.appendChild(box);
    grid.appendChild(left);
    grid.appendChild(right);
    td.appendChild(grid);
    tr.appendChild(td);
    loadDetail(r).then(function (found) {
      if (found.problem) {
        box.className = 'error-text chunk-problem';
        box.textContent = found.problem;
        return;
      }
      showDetail(r, found.detail, { calls: calls, box: box, problem: problem });
    });
    return tr;
  }
  function showDetail(r, d, parts) {
    if (parts.problem && d.error) parts.problem.textContent = d.error;
    var facts = el('dl', 'facts');
    fact(facts, 'Call SID', d.sid);
    if (facts.childNodes.length) parts.calls.appendChild(facts);
    if (d.tries.length > 0) {
      parts.calls.appendChild(el('h3', '', 'Attempts'));
      var list = el('ol');
      d.tries.forEach(function (t) {
        var text = t.status + (t.endedAt ? ' · ' + localTime(t.endedAt) : '') +
          (t.durationS ? ' · ' + seconds(t.durationS) : '') + (t.error ? ' · ' + t.error : '');
        list.appendChild(el('li', '', text));
      });
      parts.calls.appendChild(list);
    }
    if (d.why) {
      parts.calls.appendChild(el('h3', '', 'Why (not) called'));
      parts.calls.appendChild(el('p', 'why', d.why));
    }
    (d.dialChecks || []).forEach(function (a) {
      parts.calls.appendChild(el('h3', '', 'Attempt ' + a.attempt + ': ' + a.decision + ' · ' + localTime(a.at)));
      var checks = el('ul', 'dial-checks');
      a.checks.forEach(function (c) {
        checks.appendChild(el('li', c[1] ? 'passed' : 'error-text', (c[1] ? '\u2713 ' : '\u2717 ') + c[0] + ': ' + c[2]));
      });
      parts.calls.appendChild(checks);
    });
    if (meta.temporal && d.valid) {
      var link = el('a', '', 'Open the call workflow in Temporal UI');
      link.href = meta.temporal.baseUrl + '/namespaces/' + encodeURIComponent(meta.temporal.namespace) +
        '/workflows/' + encodeURIComponent('call:' + meta.campaignId + ':' + d.rowKey);
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      parts.calls.appendChild(link);
    }
    var box = parts.box;
    box.textContent = '';
    if (d.transcript.length === 0) {
      box.className = 'dim';
      box.textContent = 'No transcript.';
      return;
    }
    box.className = 'transcript';
    d.transcript.forEach(function (t) {
      var turn = el('div', 'turn ' + (t[0] === 'assistant' ? 'assistant' : 'user'));
      turn.appendChild(el('span', 'who', t[0] === 'assistant' ? 'Assistant' : t[0] === 'user' ? 'Contact' : t[0]));
      turn.appendChild(document.createTextNode(t[1]));
      box.appendChild(turn);
    });
  }

  function render() {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * PAGE_SIZE;
    var slice = matches.slice(from, from + PAGE_SIZE);
    tbody.textContent = '';
    slice.forEach(function (r) {
      var tr = el('tr', 'row' + (state.openLine === r.line ? ' open' : ''));
      tr.tabIndex = 0;
      tr.dataset.line = String(r.line);
      tr.appendChild(el('td', 'num', r.line));
      tr.appendChild(el('td', 'phone', r.phone || '—'));
      var outcome = el('td');
      outcome.appendChild(badge(r.outcome));
      tr.appendChild(outcome);
      var disposition = el('td');
      disposition.appendChild(r.disposition
        ? el('span', r.review ? 'disposition review' : 'disposition', r.disposition)
        : el('span', 'dim', '—'));
      tr.appendChild(disposition);
      tr.appendChild(r.goal === null ? el('td', 'dim', '—') : el('td', r.goal ? 'goal-yes' : 'goal-no', r.goal ? '✓' : '✗'));
      tr.appendChild(el('td', 'num', r.attempts));
      tr.appendChild(el('td', 'num', seconds(r.durationS)));
      tr.appendChild(el('td', 'num', r.credits === null ? '' : r.credits));
      var excerpt = el('td', 'excerpt', r.excerpt);
      excerpt.title = r.excerpt;
      tr.appendChild(excerpt);
      var recording = el('td');
      if (r.recording) {
        var play = el('a', '', 'audio');
        play.href = r.recording;
        play.addEventListener('click', function (e) { e.stopPropagation(); });
        recording.appendChild(play);
      }
      tr.appendChild(recording);
      function toggle() {
        state.openLine = state.openLine === r.line ? null : r.line;
        openDetail = null;
        try {
          history.replaceState(null, '', state.openLine === null ? location.pathname + location.search : '#line=' + state.openLine);
        } catch (e) { /* some browsers refuse history changes on file:// pages */ }
        render();
      }
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', function (e) {
        if (e.target === tr && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); toggle(); }
      });
      tbody.appendChild(tr);
      if (state.openLine === r.line) {
        if (openDetail === null || openDetail.line !== r.line) openDetail = { line: r.line, tr: detailRow(r) };
        tbody.appendChild(openDetail.tr);
      }
    });
    if (slice.length === 0) {
      var empty = el('tr');
      var cell = el('td', 'empty', 'No rows match.');
      cell.colSpan = COLUMNS;
      empty.appendChild(cell);
      tbody.appendChild(empty);
    }
    countNode.textContent = matches.length === rows.length
      ? rows.length.toLocaleString() + ' rows'
      : matches.length.toLocaleString() + ' of ' + rows.length.toLocaleString() + ' rows';
    pageNode.textContent = matches.length === 0 ? ''
      : (from + 1).toLocaleString() + '–' + (from + slice.length).toLocaleString() + ' of ' + matches.length.toLocaleString();
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  }

  var timer = null;
  search.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.query = search.value; applyFilters(); }, 150);
  });
  fullText.addEventListener('change', function () { state.query = search.value; applyFilters(); });
  filter.addEventListener('change', function () { state.outcome = filter.value; applyFilters(); });
  prev.addEventListener('click', function () { state.page -= 1; render(); });
  next.addEventListener('click', function () { state.page += 1; render(); });
  var showAttention = document.getElementById('show-attention');
  if (showAttention) showAttention.addEventListener('click', function () {
    filter.value = '@attention';
    state.outcome = '@attention';
    applyFilters();
    document.getElementById('rows-section').scrollIntoView();
  });
  // #line=N opens that row (and loads its transcript), so a link can point at one row:
  // on load, and when a link in the page (the review queue's) changes the hash.
  function linkedLine() {
    var linked = /^#line=(\d+)$/.exec(location.hash);
    return linked ? Number(linked[1]) : null;
  }
  function openLine(wanted) {
    function find() { return matches.findIndex(function (r) { return r.line === wanted; }); }
    var index = find();
    if (index === -1 && (state.outcome || state.query)) {
      // The row is filtered out: show every row again.
      filter.value = search.value = state.outcome = state.query = '';
      applyFilters();
      index = find();
    }
    if (index === -1) return false;
    state.openLine = wanted;
    openDetail = null;
    state.page = Math.floor(index / PAGE_SIZE);
    return true;
  }
  function scrollToOpen() {
    var open = tbody.querySelector('tr.open');
    if (open) open.scrollIntoView();
  }
  var first = linkedLine();
  var opened = first !== null && openLine(first);
  render();
  if (opened) scrollToOpen();
  window.addEventListener('hashchange', function () {
    var wanted = linkedLine();
    if (wanted === null || wanted === state.openLine || !openLine(wanted)) return;
    render();
    scrollToOpen();
  });
})();
`;
