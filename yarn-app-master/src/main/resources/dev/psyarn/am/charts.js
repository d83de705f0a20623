// The charts of psyarn's status page (StatusPage inlines this file). Live, it asks the AM for
// api/v1/history and api/v1/status every two seconds, redraws the charts and the containers'
// table, and stops once the job has its final status; on the page kept with the report, it draws
// the history the page holds. Plain SVG, no libraries: the page works offline and through the
// ResourceManager's proxy (all addresses are relative).
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var W = 480, H = 220, LEFT = 56, RIGHT = 12, TOP = 22, BOTTOM = 44;
  var updates = 0;

  function node(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    parent.appendChild(e);
    return e;
  }

  function label(v) {
    var a = Math.abs(v);
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e3) { return (v / 1e3).toFixed(1) + 'k'; }
    if (a >= 10 || v === 0) { return v.toFixed(0); }
    return v.toFixed(a >= 1 ? 2 : 4);
  }

  // series: [{name, points: [[seconds, value], ...]}]
  function draw(id, series) {
    var svg = document.getElementById(id);
    if (!svg) { return; }
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var all = [];
    series.forEach(function (s) { s.points.forEach(function (p) { all.push(p); }); });
    svg.setAttribute('data-points', String(all.length));
    svg.setAttribute('data-updates', String(updates));
    node('text', {x: 8, y: 15, 'font-size': 12, 'font-weight': 'bold'}, svg, svg.getAttribute('data-title'));
    if (all.length === 0) {
      node('text', {x: LEFT, y: H / 2, 'font-size': 12, fill: '#888'}, svg, 'no figures yet');
      return;
    }
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    all.forEach(function (p) {
      x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]);
      y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
    });
    if (svg.getAttribute('data-zero') === 'true') { y0 = Math.min(0, y0); }
    if (x1 === x0) { x1 = x0 + 1; }
    if (y1 === y0) { y1 = y0 + (Math.abs(y0) || 1) * 0.1; y0 = y0 - (Math.abs(y0) || 1) * 0.1; }
    var pad = (y1 - y0) * 0.05;
    y0 = y0 === 0 ? 0 : y0 - pad;
    y1 += pad;
    var sx = function (t) { return LEFT + (t - x0) / (x1 - x0) * (W - LEFT - RIGHT); };
    var sy = function (v) { return H - BOTTOM - (v - y0) / (y1 - y0) * (H - TOP - BOTTOM); };
    node('line', {x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM, stroke: '#999'}, svg);
    node('line', {x1: LEFT, y1: TOP, x2: LEFT, y2: H - BOTTOM, stroke: '#999'}, svg);
    node('text', {x: LEFT - 4, y: TOP + 4, 'font-size': 10, 'text-anchor': 'end'}, svg, label(y1));
    node('text', {x: LEFT - 4, y: H - BOTTOM, 'font-size': 10, 'text-anchor': 'end'}, svg, label(y0));
    node('text', {x: LEFT, y: H - BOTTOM + 13, 'font-size': 10}, svg, x0.toFixed(0) + ' s');
    node('text', {x: W - RIGHT, y: H - BOTTOM + 13, 'font-size': 10, 'text-anchor': 'end'}, svg,
      x1.toFixed(0) + ' s since submission');
    var legendX = LEFT;
    series.forEach(function (s, i) {
      if (s.points.length === 0) { return; }
      var color = COLORS[i % COLORS.length];
      var pts = s.points.map(function (p) { return sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1); }).join(' ');
      node('polyline', {'class': 'series', 'data-series': s.name, 'data-count': String(s.points.length),
        points: pts, fill: 'none', stroke: color, 'stroke-width': 1.5}, svg);
      if (s.points.length <= 30) {
        s.points.forEach(function (p) {
          node('circle', {cx: sx(p[0]).toFixed(1), cy: sy(p[1]).toFixed(1), r: 2, fill: color}, svg);
        });
      }
      var last = s.points[s.points.length - 1][1];
      var legend = node('text', {x: legendX, y: H - 10, 'font-size': 10, fill: color}, svg,
        s.name + ' ' + label(last));
      legendX += Math.max(60, legend.getComputedTextLength ? legend.getComputedTextLength() + 12 : 90);
    });
  }

  function named(map, names) {
    return Object.keys(map || {}).filter(function (k) { return !names || names.indexOf(k) >= 0; })
      .map(function (k) { return {name: k, points: map[k]}; });
  }

  function byContainer(containers, figure) {
    return Object.keys(containers || {}).map(function (k) {
      return {name: k, points: containers[k][figure] || []};
    });
  }

  function drawHistory(h) {
    draw('chart-loss', named(h.job, ['train.logloss', 'test.logloss']));
    draw('chart-throughput', named(h.job, ['train.examplesPerSecond']));
    draw('chart-running', named(h.running));
    draw('chart-heap', byContainer(h.containers, 'heapMb'));
    draw('chart-cpu', byContainer(h.containers, 'cpuPercent'));
  }

  function cell(tr, text) {
    var td = document.createElement('td');
    td.textContent = text === undefined || text === null ? '' : String(text);
    tr.appendChild(td);
    return td;
  }

  function drawContainers(status) {
    var body = document.getElementById('containers');
    if (!body || !status.containers) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    status.containers.forEach(function (c) {
      var tr = document.createElement('tr');
      var m = c.metrics || {};
      [c.role, c.index, c.id, c.host, c.runtime, c.state, c.exitCode, c.reason, c.restarts].forEach(function (v) {
        cell(tr, v);
      });
      cell(tr, m['jvm.heapUsedMb'] === undefined ? '' : Math.round(m['jvm.heapUsedMb'])
        + (m['jvm.heapMaxMb'] === undefined ? '' : ' (' + Math.round(m['jvm.heapMaxMb']) + ')'));
      cell(tr, m['process.cpuSeconds'] === undefined ? '' : m['process.cpuSeconds'].toFixed(1));
      var logs = cell(tr, '');
      if (typeof c.logs === 'string' && /^https?:\/\//.test(c.logs)) {
        var a = document.createElement('a');
        a.href = c.logs;
        a.textContent = 'logs';
        logs.appendChild(a);
      }
      body.appendChild(tr);
    });
  }

  function get(url) {
    return fetch(url, {cache: 'no-store'}).then(function (r) {
      if (!r.ok) { throw new Error(url + ': ' + r.status); }
      return r.json();
    });
  }

  function poll() {
    Promise.all([get('api/v1/history'), get('api/v1/status')]).then(function (both) {
      updates += 1;
      drawHistory(both[0]);
      drawContainers(both[1]);
      var updated = document.getElementById('updated');
      var done = both[1].finalStatus && both[1].finalStatus !== 'UNDEFINED';
      if (updated) {
        updated.textContent = done ? 'final: ' + both[1].finalStatus
          : 'live, updated ' + new Date().toLocaleTimeString();
      }
      if (!done) { setTimeout(poll, 2000); }
    }).catch(function (e) {
      var updated = document.getElementById('updated');
      if (updated) { updated.textContent = 'not updating (' + e.message + '); retrying'; }
      setTimeout(poll, 5000);
    });
  }

  var kept = document.getElementById('psyarn-history');
  if (kept) {
    updates = 1;
    drawHistory(JSON.parse(kept.textContent));
  } else {
    poll();
  }
}());
