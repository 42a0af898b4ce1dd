// The report page: selecting a finding, an edge or a lock shows its evidence. Everything it needs
// is in the page (the #evidence JSON), so it works from a file with no network.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('evidence').textContent);
  const details = document.querySelector('#details .body');
  const byId = {};
  data.findings.forEach(function (f) { byId[f.id] = f; });

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function stackBox(caption, frames) {
    const box = el('div', {class: 'stack'}, [el('div', {class: 'caption', text: caption})]);
    if (!frames.length) box.appendChild(el('div', {class: 'frame', text: '(no stack recorded)'}));
    frames.forEach(function (f, i) {
      box.appendChild(el('div', {class: 'frame', text: '#' + i + ' ' + f.where}));
      if (f.snippet && f.snippet.length) {
        const pre = el('pre', {class: 'snippet'});
        f.snippet.forEach(function (line) {
          pre.appendChild(el('span', {class: line.here ? 'here' : '', text: String(line.n).padStart(5) + (line.here ? ' > ' : ' | ') + line.text}));
          pre.appendChild(document.createTextNode('\n'));
        });
        box.appendChild(pre);
      }
    });
    return box;
  }

  function edgeBlock(e) {
    const held = e.also_held.length ? ' (also holding ' + e.also_held.join(', ') + ')' : '';
    return el('div', {class: 'edge-evidence'}, [
      el('h3', {text: e.from + ' \u2192 ' + e.to + ': ' + e.thread + ' took ' + e.to + ' while holding ' + e.from + held}),
      e.started ? el('p', {class: 'started', text: e.thread + ' was started at ' + e.started}) : null,
      el('div', {class: 'stacks'}, [stackBox(e.from + ' was taken at', e.held_stack), stackBox(e.to + ' was taken at', e.acquire_stack)])
    ]);
  }

  function scenario(f) {
    const table = el('table', {class: 'scenario'});
    table.appendChild(el('tr', {}, f.edges.map(function (e) { return el('th', {text: e.thread}); })));
    f.edges.forEach(function (e, i) {
      table.appendChild(el('tr', {}, f.edges.map(function (_, j) { return el('td', {text: i === j ? e.held_call + '(' + e.from + ')' : ''}); })));
    });
    f.edges.forEach(function (e, i) {
      table.appendChild(el('tr', {}, f.edges.map(function (_, j) { return el('td', {text: i === j ? e.acquire_call + '(' + e.to + ')  \u2190 waits' : ''}); })));
    });
    return table;
  }

  function clearHighlight() {
    document.querySelectorAll('#graph svg .highlight').forEach(function (n) { n.classList.remove('highlight'); });
    document.querySelectorAll('.finding.selected').forEach(function (n) { n.classList.remove('selected'); });
  }

  function highlight(ids) {
    ids.forEach(function (id) { const n = document.getElementById(id); if (n) n.classList.add('highlight'); });
  }

  function showFinding(f) {
    details.replaceChildren();
    details.appendChild(el('p', {}, [el('span', {class: 'badge ' + f.verdict, text: f.verdict}), el('b', {text: f.title})]));
    details.appendChild(el('p', {text: f.reason}));
    if (f.edges) {
      if (f.verdict === 'deadlock') details.appendChild(scenario(f));
      f.edges.forEach(function (e) { details.appendChild(edgeBlock(e)); });
      highlight(f.nodes);
    } else if (f.parties) {
      f.parties.forEach(function (p) {
        details.appendChild(el('div', {class: 'edge-evidence'}, [stackBox(p.what, p.stack)]));
      });
    } else {
      f.accesses.forEach(function (a, i) {
        const what = (i ? 'Previous ' : '') + (a.access || (a.write ? 'write' : 'read')) + ' by ' + a.thread + ', holding ' + (a.held.length ? a.held.join(', ') : 'no lock');
        details.appendChild(el('div', {class: 'edge-evidence'}, [stackBox(what, a.stack)]));
      });
    }
    const item = document.querySelector('[data-finding="' + f.id + '"]');
    if (item) item.classList.add('selected');
  }

  function select(id) {
    clearHighlight();
    if (byId[id]) showFinding(byId[id]);
    else if (data.edges[id]) {
      const e = data.edges[id];
      details.replaceChildren(el('p', {text: e.count + ' acquisition context(s) make this lock order; the first ' + e.evidence.length + ':'}));
      e.evidence.forEach(function (x) { details.appendChild(edgeBlock(x)); });
      highlight([id]);
    } else if (data.nodes[id]) {
      const n = data.nodes[id];
      details.replaceChildren(el('p', {}, [el('b', {text: n.label}), document.createTextNode(' (' + n.kind + (n.members > 1 ? ', ' + n.members + ' locks' : '') + '), ' + (n.first_lock ? 'first locked' : 'created') + ' at ' + n.site)]));
      highlight([id]);
    } else return;
    details.setAttribute('data-selected', id);
    if (location.hash !== '#' + id) history.replaceState(null, '', '#' + id);
  }

  document.querySelectorAll('[data-finding]').forEach(function (item) {
    item.addEventListener('click', function () { select(item.getAttribute('data-finding')); });
  });
  document.querySelectorAll('#graph svg g.edge, #graph svg g.node').forEach(function (g) {
    g.addEventListener('click', function () { select(g.id); });
  });
  const search = document.getElementById('search');
  if (search) search.addEventListener('input', function () {
    const q = search.value.trim().toLowerCase();
    let hits = 0;
    document.querySelectorAll('#graph svg g.node').forEach(function (g) {
      const title = (g.querySelector('title') || {}).textContent || '';
      const label = (data.nodes[g.id] || {}).label || title;
      const match = q && label.toLowerCase().indexOf(q) >= 0;
      g.classList.toggle('match', !!match);
      if (match) hits++;
    });
    document.getElementById('search-count').textContent = q ? hits + ' lock(s) match' : '';
  });
  const first = location.hash.slice(1) || (data.findings[0] && data.findings[0].id);
  if (first) select(first);
})();
