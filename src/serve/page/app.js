// healthdex search page: search as you type, grouped results, tag and evidence
// filters, each hit's sources, keyboard navigation and history. Nothing from the API or the query is
// inserted as HTML except snippet.html (server-escaped, only <mark>).
(function () {
  'use strict';

  const DEBOUNCE_MS = 200;
  const LIMIT = 10;
  const TYPING_WINDOW_MS = 1000;
  const BASE_TITLE = 'Search health articles – healthdex';

  const $ = (id) => document.getElementById(id);
  const [form, input, statusEl, dym, also, tagsEl, evidenceEl, results, more] =
    ['search-form', 'q', 'status', 'did-you-mean', 'also-searched', 'tags', 'evidence', 'results', 'more'].map($);
  const dymLink = dym.querySelector('a');

  // What the page shows (or is fetching): query, tag, evidence kind, articles loaded so far.
  const state = { q: '', tag: '', evidence: '', loaded: 0, total: 0 };

  // Evidence kinds in words (the API names them in kebab-case), strongest designs first.
  const EVIDENCE = [
    ['systematic-review', 'systematic review', 'systematic reviews'],
    ['guideline', 'guideline', 'guidelines'],
    ['rct', 'randomised trial', 'randomised trials'],
    ['observational', 'observational study', 'observational studies'],
    ['narrative-review', 'narrative review', 'narrative reviews'],
    ['case-report', 'case report', 'case reports'],
    ['animal-or-lab', 'animal or lab study', 'animal or lab studies'],
  ];
  const evidenceLabel = (kind, n) => {
    const found = EVIDENCE.find((e) => e[0] === kind);
    return found ? (n === 1 || n == null ? found[1] : found[2]) : 'kind not stated';
  };
  let timer = null;
  let controller = null;
  let seq = 0;
  let lastCommit = null; // { q, tag, time } of the last history entry we wrote

  // ---- helpers ----------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  // Only site-relative, http(s) or fragment URLs; no "//host" or "/\host".
  function safeUrl(url) {
    if (typeof url !== 'string') return null;
    if (/^\/[\/\\]/.test(url)) return null;
    return /^(\/|https?:\/\/|#)/i.test(url) ? url : null;
  }

  // A link when the URL is safe, plain text otherwise.
  function link(url, className, text) {
    const href = safeUrl(url);
    const node = el(href ? 'a' : 'span', href ? className : className + '-text', text);
    if (href) node.setAttribute('href', href);
    return node;
  }

  const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);
  const quoted = (s) => '\u201c' + s + '\u201d';

  // snippet.html is escaped by the server; double-check that it holds only
  // text and attribute-free <mark> elements before using it, else use text.
  function fillSnippet(p, snippet) {
    if (!snippet) return;
    if (typeof snippet.html === 'string') {
      const tpl = document.createElement('template');
      tpl.innerHTML = snippet.html; // inert: nothing runs or loads in a template
      const ok = Array.from(tpl.content.querySelectorAll('*'))
        .every((n) => n.tagName === 'MARK' && n.attributes.length === 0);
      if (ok) {
        p.appendChild(tpl.content);
        return;
      }
    }
    p.textContent = typeof snippet.text === 'string' ? snippet.text : '';
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    return {
      q: (params.get('q') || '').trim(),
      tag: params.get('tag') || '',
      evidence: params.get('evidence') || '',
    };
  }

  function urlFor(q, tag) {
    if (!q) return location.pathname;
    const params = new URLSearchParams({ q: q });
    if (tag) params.set('tag', tag);
    if (state.evidence) params.set('evidence', state.evidence);
    return '?' + params.toString();
  }

  // Push a history entry for a settled search; while the reader keeps typing
  // the same query (one text a prefix of the other, within a second), replace.
  function commit(q, tag) {
    const url = urlFor(q, tag);
    const now = Date.now();
    const prev = lastCommit;
    if (new URL(url, location.href).href === location.href) return;
    const typing = prev && q && prev.q && prev.tag === tag &&
      now - prev.time < TYPING_WINDOW_MS &&
      (q.startsWith(prev.q) || prev.q.startsWith(q));
    history[typing ? 'replaceState' : 'pushState']({ q: q, tag: tag }, '', url);
    lastCommit = { q: q, tag: tag, time: now };
  }

  // ---- searching --------------------------------------------------------

  function clearAll() {
    clearTimeout(timer);
    if (controller) controller.abort();
    seq++; // drop any answer still on its way
    results.removeAttribute('aria-busy');
    Object.assign(state, { q: '', tag: '', evidence: '', loaded: 0 });
    statusEl.textContent = '';
    tagsEl.hidden = evidenceEl.hidden = dym.hidden = also.hidden = more.hidden = true;
    tagsEl.replaceChildren();
    evidenceEl.replaceChildren();
    results.replaceChildren();
    document.title = BASE_TITLE;
  }

  // Run the search in the box. `push`: write a history entry; `force`: search
  // even when the query and tag are those already shown.
  function searchNow(push, force) {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      clearAll();
      if (push) commit('', '');
      return;
    }
    if (!force && q === state.q) return;
    state.q = q;
    if (push) commit(q, state.tag);
    fetchPage(0);
  }

  function fetchPage(offset) {
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = ++seq;
    const { q, tag } = state;
    const params = new URLSearchParams({ q: q, group: '1', limit: String(LIMIT), offset: String(offset) });
    if (tag) params.set('tag', tag);
    if (state.evidence) params.set('evidence', state.evidence);
    results.setAttribute('aria-busy', 'true');
    fetch('api/search?' + params.toString(), {
      signal: controller.signal,
      headers: { Accept: 'application/json' },
    })
      .then((res) => res.json().catch(() => null).then((data) => ({ res: res, data: data })))
      .then(({ res, data }) => {
        if (mine !== seq) return; // an older request: a newer one is on its way
        if (!res.ok || !data || data.error) {
          throw new Error((data && typeof data.error === 'string' && data.error) ||
            'Search failed (HTTP ' + res.status + '). Please try again.');
        }
        render(data, q, tag, offset);
      })
      .catch((err) => {
        if (mine !== seq || (err && err.name === 'AbortError')) return;
        showError(err instanceof TypeError ? 'Search is unavailable right now. Please try again.' : err.message);
      })
      .finally(() => {
        if (mine === seq) results.removeAttribute('aria-busy');
      });
  }

  function showError(message) {
    results.replaceChildren();
    tagsEl.hidden = evidenceEl.hidden = dym.hidden = also.hidden = more.hidden = true;
    state.loaded = 0;
    statusEl.textContent = message;
  }

  // ---- rendering --------------------------------------------------------

  function render(data, q, tag, offset) {
    const groups = Array.isArray(data.groups) ? data.groups : [];
    const moreHadFocus = document.activeElement === more;
    if (offset === 0) {
      results.replaceChildren();
      state.total = Number(data.total) || 0;
      renderSuggestions(data);
      renderTags(data.facets && Array.isArray(data.facets.tags) ? data.facets.tags : [], tag);
      renderEvidence(data.facets && Array.isArray(data.facets.evidence) ? data.facets.evidence : []);
      document.title = q + ' – ' + BASE_TITLE;
    }
    const firstNew = results.children.length;
    groups.forEach((group) => results.appendChild(renderGroup(group)));
    state.loaded = offset + groups.length;
    const hasMore = groups.length === LIMIT;
    more.hidden = !hasMore;

    const tagged = (tag ? ' tagged ' + quoted(tag) : '') +
      (state.evidence ? ' citing a ' + evidenceLabel(state.evidence, 1) : '');
    if (state.loaded === 0) {
      statusEl.textContent = 'No results for ' + quoted(q) + tagged;
    } else if (hasMore) {
      statusEl.textContent = plural(state.total, 'section', 'sections') + ' for ' + quoted(q) + tagged +
        ', showing the top ' + plural(state.loaded, 'article', 'articles');
    } else {
      statusEl.textContent = plural(state.total, 'section', 'sections') + ' in ' +
        plural(state.loaded, 'article', 'articles') + ' for ' + quoted(q) + tagged;
    }
    if (moreHadFocus) ((results.children[firstNew] || results).querySelector('a.hit-link') || input).focus();
  }

  function renderSuggestions(data) {
    const suggestion = typeof data.did_you_mean === 'string' ? data.did_you_mean.trim() : '';
    dym.hidden = !suggestion;
    if (suggestion) {
      dymLink.textContent = suggestion;
      dymLink.setAttribute('href', urlFor(suggestion, state.tag));
    }
    const words = (list) => Array.isArray(list) ? list.filter((s) => typeof s === 'string' && s) : [];
    const extra = words(data.also_searched);
    const missing = words(data.missing);
    const lines = missing.map((w) => 'No article mentions \u201c' + w + '\u201d.');
    if (extra.length) lines.push('Also searched: ' + extra.join(', '));
    also.hidden = lines.length === 0;
    also.textContent = lines.join(' ');
  }

  const MAX_TAGS = 8;

  function renderTags(tags, active) {
    tagsEl.replaceChildren();
    // The most common tags only: a filter row, not a tag cloud.
    const list = tags.filter((t) => t && typeof t.tag === 'string' && t.tag).slice(0, MAX_TAGS);
    if (active && !list.some((t) => t.tag === active)) list.unshift({ tag: active, count: null });
    list.forEach((t) => {
      const button = el('button', 'tag', t.tag + ' ');
      button.type = 'button';
      button.dataset.tag = t.tag;
      button.setAttribute('aria-pressed', String(t.tag === active));
      if (t.count != null) button.appendChild(el('span', 'count', t.count));
      tagsEl.appendChild(button);
    });
    tagsEl.hidden = list.length === 0;
  }

  // "Evidence:" chips: sections citing at least one source of a kind, with counts.
  function renderEvidence(kinds) {
    evidenceEl.replaceChildren();
    const active = state.evidence;
    const list = kinds.filter((k) => k && typeof k.evidence === 'string' &&
      EVIDENCE.some((e) => e[0] === k.evidence));
    if (active && !list.some((k) => k.evidence === active)) list.unshift({ evidence: active, count: null });
    if (!list.length) {
      evidenceEl.hidden = true;
      return;
    }
    evidenceEl.appendChild(el('span', 'filter-label', 'Cites:'));
    list.forEach((k) => {
      const button = el('button', 'tag evidence-kind', evidenceLabel(k.evidence, 1) + ' ');
      button.type = 'button';
      button.dataset.evidence = k.evidence;
      button.setAttribute('aria-pressed', String(k.evidence === active));
      if (k.count != null) button.appendChild(el('span', 'count', k.count));
      evidenceEl.appendChild(button);
    });
    evidenceEl.hidden = false;
  }

  // "3 sources · 1 systematic review", opening to the list, each linked and labelled in words.
  function renderSources(sources) {
    const list = sources.filter((s) => s && typeof s === 'object');
    const details = el('details', 'sources');
    const counts = EVIDENCE.map((e) => [e[0], list.filter((s) => s.evidence === e[0]).length])
      .filter((c) => c[1] > 0)
      .map((c) => c[1] + ' ' + evidenceLabel(c[0], c[1]));
    details.appendChild(el('summary', null,
      plural(list.length, 'source', 'sources') + (counts.length ? ' \u00b7 ' + counts.join(', ') : '')));
    const ol = el('ol', 'source-list');
    list.forEach((s) => {
      const li = el('li', 'source');
      const authors = Array.isArray(s.authors) ? s.authors.filter((a) => typeof a === 'string') : [];
      const who = authors.length > 2 ? authors[0] + ' et al.' : authors.join(', ');
      const year = Number.isInteger(s.year) ? ' (' + s.year + ')' : '';
      const title = typeof s.title === 'string' && s.title ? s.title : 'Untitled source';
      if (who || year) li.appendChild(el('span', 'source-who', who + year + '. '));
      li.appendChild(link(s.url, 'source-link', title));
      if (typeof s.container === 'string' && s.container) li.appendChild(el('span', 'source-in', ' ' + s.container + '.'));
      li.appendChild(el('span', 'evidence-label', ' ' + evidenceLabel(s.evidence, 1)));
      ol.appendChild(li);
    });
    details.appendChild(ol);
    return details;
  }

  function renderGroup(group) {
    const li = el('li', 'group');
    const h2 = el('h2', 'group-title');
    h2.appendChild(link(group.url, 'group-link', group.title || group.path || 'Untitled'));
    li.appendChild(h2);
    const hits = Array.isArray(group.hits) ? group.hits : [];
    const ul = el('ul', 'hits');
    hits.forEach((hit) => ul.appendChild(renderHit(hit, group.title)));
    li.appendChild(ul);
    return li;
  }

  function renderHit(hit, title) {
    const li = el('li', 'hit');
    const heading = typeof hit.heading === 'string' && hit.heading ? hit.heading : 'Introduction';
    // Enclosing headings between the article title and the section heading.
    let crumbs = Array.isArray(hit.breadcrumbs) ? hit.breadcrumbs.filter((c) => typeof c === 'string') : [];
    if (crumbs.length && crumbs[0] === (hit.title || title)) crumbs = crumbs.slice(1);
    if (crumbs.length && crumbs[crumbs.length - 1] === hit.heading) crumbs = crumbs.slice(0, -1);
    if (crumbs.length) li.appendChild(el('span', 'crumbs', crumbs.join(' › ') + ' ›'));
    li.appendChild(link(hit.url, 'hit-link', heading));
    const p = el('p', 'snippet');
    fillSnippet(p, hit.snippet);
    li.appendChild(p);
    if (Array.isArray(hit.sources) && hit.sources.length) li.appendChild(renderSources(hit.sources));
    return li;
  }

  // ---- events -----------------------------------------------------------

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    searchNow(true, true);
  });

  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (!input.value.trim()) {
      searchNow(true, false); // empty box: clear at once
      return;
    }
    timer = setTimeout(() => searchNow(true, false), DEBOUNCE_MS);
  });

  input.addEventListener('keydown', (e) => {
    const first = results.querySelector('a.hit-link');
    if (e.key === 'ArrowDown' && first) {
      e.preventDefault();
      first.focus();
    } else if (e.key === 'Escape' && input.value) {
      e.preventDefault();
      input.value = '';
      searchNow(true, false);
    }
  });

  // ArrowDown/ArrowUp between .hit-links (from anywhere in the results).
  results.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = Array.from(results.querySelectorAll('a.hit-link'));
    const current = document.activeElement;
    let target;
    if (e.key === 'ArrowDown') {
      target = links.find((a) => current.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
    } else {
      target = links.reverse().find((a) => current.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING) || input;
    }
    if (target) e.preventDefault(), target.focus();
  });

  more.addEventListener('click', () => {
    if (state.q) fetchPage(state.loaded);
  });

  tagsEl.addEventListener('click', (e) => {
    const button = e.target.closest('button.tag');
    if (!button) return;
    const tag = button.dataset.tag || '';
    state.tag = state.tag === tag ? '' : tag;
    if (!input.value.trim()) input.value = state.q;
    searchNow(true, true);
  });

  evidenceEl.addEventListener('click', (e) => {
    const button = e.target.closest('button.evidence-kind');
    if (!button) return;
    const kind = button.dataset.evidence || '';
    state.evidence = state.evidence === kind ? '' : kind;
    if (!input.value.trim()) input.value = state.q;
    searchNow(true, true);
  });

  dymLink.addEventListener('click', (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    input.value = dymLink.textContent;
    searchNow(true, true);
    input.focus();
  });

  // Restore the box and the results from the URL (back/forward, first load).
  function restore() {
    const { q, tag, evidence } = readUrl();
    input.value = q;
    lastCommit = null;
    if (!q) {
      clearAll();
      return;
    }
    state.tag = tag;
    state.evidence = evidence;
    searchNow(false, true);
  }

  window.addEventListener('popstate', restore);
  restore();
})();
