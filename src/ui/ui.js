// healthdex search UI: the search box, grouped results with marked snippets, the
// article's dates, authors, reviewers and description, tag and evidence filters,
// each hit's sources, a no-results panel that offers a way on, keyboard use
// (Ctrl/⌘+K and `/` to the box, arrows through results, Enter to open) and the
// query kept in the URL. It owns only what it draws inside the element it is
// mounted on; where results come from is the `source`'s business, so the same file
// serves `healthdex serve` (a source that calls /api/) and the static bundle (a
// source that searches in the browser). Importing it does nothing: a page's entry
// module calls `mount`.
//
//   mount(element, source, options) -> { search(query), destroy() }
//
//   source.search(query, { limit, offset, tag, evidence, group, signal })
//     -> Promise<the JSON of /api/search>                       (required)
//   source.suggest(prefix, limit) -> Promise<[{ text, count }]>  (optional)
//   source.tags(limit) -> Promise<[{ tag, count }]>              (optional; the
//     site's most common tags over all articles, count = articles)
//
// Nothing from a source or the query is inserted as HTML except snippet.html, and
// that only when it holds nothing but text and attribute-free <mark> elements. No
// inline styles and no eval: it runs under `script-src 'self'; style-src 'self'`.

const DEFAULTS = {
  limit: 10, // articles per page
  stylesheet: new URL('./ui.css', import.meta.url), // false: the site styles it
  label: 'Search articles',
  hideLabel: false, // the label for screen readers only
  headingLevel: 2, // each result article's title; the widget never adds an <h1>
  history: true, // keep ?q=&tag=&evidence= in the page URL
  documentTitle: false, // prefix document.title with the query
  shortcuts: true, // Ctrl/⌘+K and `/` focus the box
  autofocus: false,
  mainTags: 8, // tags the no-results panel offers
};

const DEBOUNCE_MS = 200;
const TYPING_WINDOW_MS = 1000; // edits closer than this replace one history entry
const MAX_FACET_TAGS = 8;
const SUGGESTIONS = 5;

// Evidence kinds in words (the JSON names them in kebab-case), strongest first.
const EVIDENCE = [
  ['systematic-review', 'systematic review', 'systematic reviews'],
  ['guideline', 'guideline', 'guidelines'],
  ['rct', 'randomised trial', 'randomised trials'],
  ['observational', 'observational study', 'observational studies'],
  ['narrative-review', 'narrative review', 'narrative reviews'],
  ['case-report', 'case report', 'case reports'],
  ['animal-or-lab', 'animal or lab study', 'animal or lab studies'],
];

let mounted = 0; // gives each mount its own element ids

/** Draws the search UI into `element`, searching through `source`. */
export function mount(element, source, options) {
  if (!element || typeof element.appendChild !== 'function') {
    throw new TypeError('healthdex: mount(element, …) needs an element; is <div id="healthdex"> on the page before the script runs?');
  }
  if (!source || typeof source.search !== 'function') {
    throw new TypeError('healthdex: mount(…, source) needs an object with a search(query, options) method');
  }
  const settings = Object.assign({}, DEFAULTS, options || {});
  mounted += 1;
  const ui = new SearchUI(element, source, settings, mounted === 1 ? 'hx-' : 'hx' + mounted + '-');
  return { search: (query) => ui.searchFor(query), destroy: () => ui.destroy() };
}

// ---- small helpers ------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = String(text);
  return node;
}

const strings = (list) => (Array.isArray(list) ? list.filter((s) => typeof s === 'string' && s.trim()) : []);
const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);
const quoted = (s) => '\u201c' + s + '\u201d';

function evidenceLabel(kind, n) {
  const found = EVIDENCE.find((e) => e[0] === kind);
  return found ? (n === 1 || n == null ? found[1] : found[2]) : 'kind not stated';
}

// Only site-relative, http(s) or fragment URLs; no "//host" or "/\host".
function safeUrl(url) {
  if (typeof url !== 'string') return null;
  if (/^\/[/\\]/.test(url)) return null;
  return /^(\/|https?:\/\/|#|\.{0,2}\/)/i.test(url) ? url : null;
}

// A link when the URL is safe, plain text otherwise.
function link(url, className, text) {
  const href = safeUrl(url);
  const node = el(href ? 'a' : 'span', href ? className : className + '-text', text);
  if (href) node.setAttribute('href', href);
  return node;
}

// snippet.html comes escaped from the source; it is used only when it parses to
// text and attribute-free <mark>s, else snippet.text is shown.
function fillSnippet(p, snippet) {
  if (!snippet) return;
  if (typeof snippet.html === 'string') {
    const template = document.createElement('template');
    template.innerHTML = snippet.html; // inert: nothing in a template runs or loads
    const clean = Array.from(template.content.querySelectorAll('*'))
      .every((n) => n.tagName === 'MARK' && n.attributes.length === 0);
    if (clean) {
      p.appendChild(template.content);
      return;
    }
  }
  p.textContent = typeof snippet.text === 'string' ? snippet.text : '';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// A <time> for a YYYY-MM-DD date, in words in the page's language; null if malformed.
function time(day) {
  const parts = typeof day === 'string' ? DAY.exec(day) : null;
  if (!parts) return null;
  const date = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
  if (Number.isNaN(date.getTime())) return null;
  let words = day;
  try {
    words = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
      { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
  } catch (_) { /* an unknown language tag: keep the ISO date */ }
  const node = el('time', null, words);
  node.setAttribute('datetime', day);
  return node;
}

// Is the reader typing somewhere (so `/` is a character, not a shortcut)?
function typingIn(target) {
  if (!target || !target.tagName) return false;
  if (target.isContentEditable) return true;
  return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

// The source's answer as groups of hits: `groups` when it grouped, else
// consecutive `hits` of one article gathered.
function groupsOf(data) {
  if (Array.isArray(data.groups)) return data.groups.filter((g) => g && typeof g === 'object');
  const groups = [];
  (Array.isArray(data.hits) ? data.hits : []).forEach((hit) => {
    if (!hit || typeof hit !== 'object') return;
    const last = groups[groups.length - 1];
    if (last && last.path === hit.path) {
      last.hits.push(hit);
    } else {
      groups.push({ path: hit.path, title: hit.title, url: String(hit.url || '').split('#')[0], hits: [hit] });
    }
  });
  return groups;
}

// Links the widget's stylesheet once, unless the page already has it.
function linkStylesheet(href) {
  if (!href) return;
  const wanted = new URL(String(href), document.baseURI).href;
  const present = Array.from(document.querySelectorAll('link[rel~="stylesheet"]'))
    .some((l) => l.href === wanted);
  if (present) return;
  const node = document.createElement('link');
  node.rel = 'stylesheet';
  node.href = wanted;
  document.head.appendChild(node);
}

// ---- the widget ---------------------------------------------------------

class SearchUI {
  constructor(root, source, settings, prefix) {
    this.root = root;
    this.source = source;
    this.settings = settings;
    this.limit = Math.max(1, Math.min(100, Number(settings.limit) || DEFAULTS.limit));
    this.level = Math.max(2, Math.min(6, Number(settings.headingLevel) || 2));
    this.baseTitle = document.title;
    // What is shown (or on its way): query, filters, articles loaded, sections in all.
    this.state = { q: '', tag: '', evidence: '', loaded: 0, total: 0 };
    this.timer = null;
    this.controller = null;
    this.seq = 0;
    this.lastCommit = null; // { q, tag, time } of the last history entry written
    this.mainTags = null; // the promise of source.tags(), asked for once
    this.listeners = [];
    linkStylesheet(settings.stylesheet);
    this.draw(prefix);
    this.listen();
    if (settings.autofocus) this.input.focus();
    if (settings.history) this.restore();
  }

  // The fixed parts: form, status, filters, results, "more", no-results panel.
  draw(prefix) {
    const id = (name) => prefix + name;
    const root = this.root;
    root.classList.add('hx');
    root.replaceChildren();

    const form = el('form', 'hx-form');
    form.setAttribute('role', 'search');
    form.noValidate = true;
    const label = el('label', 'hx-label' + (this.settings.hideLabel ? ' hx-visually-hidden' : ''), this.settings.label);
    label.htmlFor = id('q');
    const row = el('div', 'hx-row');
    const input = el('input', 'hx-input');
    Object.assign(input, { id: id('q'), type: 'search', name: 'q', autocomplete: 'off', spellcheck: false });
    input.setAttribute('enterkeyhint', 'search');
    input.setAttribute('aria-controls', id('results'));
    input.setAttribute('aria-describedby', id('hint'));
    const button = el('button', 'hx-submit', 'Search');
    button.type = 'submit';
    row.append(input, button);
    const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');
    const hint = el('p', 'hx-hint', 'Press / or ' + (mac ? '\u2318K' : 'Ctrl+K') +
      ' to search, \u2193 \u2191 to move through results, Enter to open one, Esc to clear.');
    hint.id = id('hint');
    form.append(label, row, hint);

    const status = el('p', 'hx-status');
    status.id = id('status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    const dym = el('p', 'hx-dym');
    dym.append('Did you mean ', el('a', 'hx-dym-link'), '?');
    const also = el('p', 'hx-also');
    const tags = el('div', 'hx-chips hx-tags');
    tags.setAttribute('role', 'group');
    tags.setAttribute('aria-label', 'Filter by tag');
    const evidence = el('div', 'hx-chips hx-evidence');
    evidence.setAttribute('role', 'group');
    evidence.setAttribute('aria-label', 'Only sections citing this kind of evidence');
    const empty = el('div', 'hx-empty');
    const results = el('ol', 'hx-results');
    results.id = id('results');
    results.setAttribute('aria-label', 'Search results');
    const more = el('button', 'hx-more', 'More articles');
    more.type = 'button';
    [dym, also, tags, evidence, empty, more].forEach((n) => { n.hidden = true; });
    root.append(form, status, dym, also, tags, evidence, empty, results, more);
    Object.assign(this, { form, input, status, dym, dymLink: dym.querySelector('a'), also, tags, evidence, empty, results, more });
  }

  on(target, type, handler) {
    const bound = handler.bind(this);
    target.addEventListener(type, bound);
    this.listeners.push([target, type, bound]);
  }

  listen() {
    this.on(this.form, 'submit', (e) => { e.preventDefault(); this.searchNow(true, true); });
    this.on(this.input, 'input', this.typed);
    this.on(this.input, 'keydown', this.keyInBox);
    this.on(this.results, 'keydown', this.keyInResults);
    this.on(this.more, 'click', () => { if (this.state.q) this.fetchPage(this.state.loaded); });
    this.on(this.tags, 'click', (e) => this.toggle(e, 'tag'));
    this.on(this.evidence, 'click', (e) => this.toggle(e, 'evidence'));
    this.on(this.root, 'click', this.followQueryLink);
    if (this.settings.shortcuts) this.on(document, 'keydown', this.shortcut);
    if (this.settings.history) this.on(window, 'popstate', this.restore);
  }

  destroy() {
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.seq++;
    this.listeners.forEach(([target, type, handler]) => target.removeEventListener(type, handler));
    this.listeners = [];
    this.root.replaceChildren();
    this.root.classList.remove('hx');
  }

  // ---- events -----------------------------------------------------------

  // Every edit of the box is a new query: its filters go (they were chosen from
  // the last query's results), and it is searched after a pause.
  typed() {
    clearTimeout(this.timer);
    this.state.tag = '';
    this.state.evidence = '';
    if (!this.input.value.trim()) {
      this.searchNow(true, false); // an emptied box clears at once
      return;
    }
    this.timer = setTimeout(() => this.searchNow(true, false), DEBOUNCE_MS);
  }

  keyInBox(e) {
    const first = this.results.querySelector('a.hx-hit-link');
    if (e.key === 'ArrowDown' && first) {
      e.preventDefault();
      first.focus();
    } else if (e.key === 'Escape' && this.input.value) {
      e.preventDefault();
      this.input.value = '';
      this.typed();
    }
  }

  // ArrowDown/ArrowUp between section links, from anywhere in the results;
  // ArrowUp from the first goes back to the box. Enter follows a link natively.
  keyInResults(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = Array.from(this.results.querySelectorAll('a.hx-hit-link'));
    const current = document.activeElement;
    let target;
    if (e.key === 'ArrowDown') {
      target = links.find((a) => current.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
    } else {
      target = links.reverse().find((a) => current.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING) || this.input;
    }
    if (target) {
      e.preventDefault();
      target.focus();
    }
  }

  // Ctrl/⌘+K anywhere, or `/` when not typing in a field, focuses the box.
  shortcut(e) {
    if (e.defaultPrevented || e.altKey) return;
    const commandK = (e.ctrlKey || e.metaKey) && !e.shiftKey && (e.key === 'k' || e.key === 'K');
    const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !typingIn(e.target);
    if (!commandK && !slash) return;
    e.preventDefault();
    this.input.focus();
    this.input.select();
  }

  // A filter chip turns its filter on, or off when it was on.
  toggle(e, kind) {
    const button = e.target.closest('button[data-value]');
    if (!button || !this.root.contains(button)) return;
    const value = button.dataset.value || '';
    this.state[kind] = this.state[kind] === value ? '' : value;
    if (!this.input.value.trim()) this.input.value = this.state.q;
    this.searchNow(true, true);
  }

  // Links that stand for a query (did-you-mean, suggestions, main tags) search in
  // place; a modified click opens them as the browser would.
  followQueryLink(e) {
    const a = e.target.closest('a[data-query]');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    this.searchFor(a.dataset.query);
    this.input.focus();
  }

  // ---- searching --------------------------------------------------------

  /** Searches `query` as if typed into the box (filters cleared). */
  searchFor(query) {
    this.input.value = typeof query === 'string' ? query : '';
    this.state.tag = '';
    this.state.evidence = '';
    this.searchNow(true, true);
  }

  // Runs the search in the box. `push`: write a history entry; `force`: search
  // even when the query is the one shown.
  searchNow(push, force) {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    if (!q) {
      this.clear();
      if (push) this.commit('');
      return;
    }
    if (!force && q === this.state.q) return;
    this.state.q = q;
    if (push) this.commit(q);
    this.fetchPage(0);
  }

  fetchPage(offset) {
    if (this.controller) this.controller.abort();
    this.controller = typeof AbortController === 'function' ? new AbortController() : null;
    const mine = ++this.seq;
    const { q, tag, evidence } = this.state;
    const request = { limit: this.limit, offset: offset, group: true };
    if (tag) request.tag = tag;
    if (evidence) request.evidence = evidence;
    if (this.controller) request.signal = this.controller.signal;
    this.results.setAttribute('aria-busy', 'true');
    Promise.resolve()
      .then(() => this.source.search(q, request))
      .then((data) => {
        if (mine !== this.seq) return; // a newer search is on its way
        if (!data || typeof data !== 'object' || data.error) {
          throw new Error((data && typeof data.error === 'string' && data.error) || 'Search failed. Please try again.');
        }
        this.render(data, offset);
      })
      .catch((err) => {
        if (mine !== this.seq || (err && err.name === 'AbortError')) return;
        this.showError(err instanceof TypeError ? 'Search is unavailable right now. Please try again.'
          : (err && err.message) || 'Search failed. Please try again.');
      })
      .finally(() => {
        if (mine === this.seq) this.results.removeAttribute('aria-busy');
      });
  }

  clear() {
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.seq++; // drop any answer still on its way
    this.results.removeAttribute('aria-busy');
    Object.assign(this.state, { q: '', tag: '', evidence: '', loaded: 0, total: 0 });
    this.status.textContent = '';
    this.hideExtras();
    this.results.replaceChildren();
    if (this.settings.documentTitle) document.title = this.baseTitle;
  }

  hideExtras() {
    [this.tags, this.evidence, this.dym, this.also, this.more, this.empty].forEach((n) => { n.hidden = true; });
    this.tags.replaceChildren();
    this.evidence.replaceChildren();
    this.empty.replaceChildren();
  }

  showError(message) {
    this.results.replaceChildren();
    this.hideExtras();
    this.state.loaded = 0;
    this.status.textContent = message;
    this.status.classList.remove('hx-visually-hidden');
  }

  // ---- the URL ----------------------------------------------------------

  urlFor(q, tag, evidence) {
    const params = new URLSearchParams(location.search);
    ['q', 'tag', 'evidence'].forEach((name) => params.delete(name));
    if (q) {
      params.set('q', q);
      if (tag) params.set('tag', tag);
      if (evidence) params.set('evidence', evidence);
    }
    const search = params.toString();
    return search ? '?' + search : location.pathname;
  }

  // A history entry for a settled search; while the reader keeps typing the same
  // query (one text a prefix of the other, within a second), it is replaced.
  commit(q) {
    if (!this.settings.history) return;
    const { tag, evidence } = this.state;
    const url = this.urlFor(q, tag, evidence);
    if (new URL(url, location.href).href === location.href) return;
    const now = Date.now();
    const prev = this.lastCommit;
    const typing = prev && q && prev.q && prev.tag === tag && now - prev.time < TYPING_WINDOW_MS &&
      (q.startsWith(prev.q) || prev.q.startsWith(q));
    history[typing ? 'replaceState' : 'pushState']({ q: q, tag: tag }, '', url);
    this.lastCommit = { q: q, tag: tag, time: now };
  }

  // The box and the results from the URL (first load, back and forward).
  restore() {
    const params = new URLSearchParams(location.search);
    const q = (params.get('q') || '').trim();
    this.input.value = q;
    this.lastCommit = null;
    if (!q) {
      this.clear();
      return;
    }
    this.state.tag = params.get('tag') || '';
    this.state.evidence = params.get('evidence') || '';
    this.searchNow(false, true);
  }

  // ---- rendering --------------------------------------------------------

  render(data, offset) {
    const groups = groupsOf(data);
    const moreHadFocus = document.activeElement === this.more;
    if (offset === 0) {
      this.results.replaceChildren();
      this.hideExtras();
      this.state.total = Number(data.total) || 0;
      this.renderNotes(data);
      const facets = data.facets && typeof data.facets === 'object' ? data.facets : {};
      this.renderTags(Array.isArray(facets.tags) ? facets.tags : []);
      this.renderEvidence(Array.isArray(facets.evidence) ? facets.evidence : []);
      if (this.settings.documentTitle) document.title = this.state.q + ' \u2013 ' + this.baseTitle;
    }
    const firstNew = this.results.children.length;
    groups.forEach((group) => this.results.appendChild(this.renderGroup(group)));
    this.state.loaded = offset + groups.length;
    const hasMore = groups.length === this.limit;
    this.more.hidden = !hasMore;
    this.renderStatus(hasMore);
    // With no results the panel's heading says so; the status still tells screen readers.
    this.status.classList.toggle('hx-visually-hidden', this.state.loaded === 0);
    if (this.state.loaded === 0) this.renderEmpty(data);
    if (moreHadFocus) {
      const next = this.results.children[firstNew];
      ((next && next.querySelector('a.hx-hit-link')) || this.input).focus();
    }
  }

  // "5 articles · 12 matching sections", with the filters in force. The query is
  // in the box, so it is not shown again (an echo cost phones four lines).
  renderStatus(hasMore) {
    const { loaded, total, tag, evidence } = this.state;
    if (loaded === 0) {
      this.status.textContent = '';
      return;
    }
    const filters = (tag ? ' \u00b7 tagged ' + quoted(tag) : '') +
      (evidence ? ' \u00b7 citing a ' + evidenceLabel(evidence, 1) : '');
    const articles = hasMore ? 'Top ' + plural(loaded, 'article', 'articles') : plural(loaded, 'article', 'articles');
    this.status.textContent = articles + ' \u00b7 ' + plural(total, 'matching section', 'matching sections') + filters;
    // Screen readers hear what the results are for; the eye sees it in the box.
    this.status.appendChild(el('span', 'hx-visually-hidden', ' for ' + quoted(this.state.q)));
  }

  // Did you mean, synonyms searched as well, and words no article has.
  renderNotes(data) {
    const suggestion = typeof data.did_you_mean === 'string' ? data.did_you_mean.trim() : '';
    this.dym.hidden = !suggestion;
    if (suggestion) this.queryLink(this.dymLink, suggestion);
    const lines = strings(data.missing).map((w) => 'No article mentions ' + quoted(w) + '.');
    const extra = strings(data.also_searched);
    if (extra.length) lines.push('Also searched: ' + extra.join(', '));
    this.also.hidden = lines.length === 0;
    this.also.textContent = lines.join(' ');
  }

  // A link that stands for a search of `query`: followed in place, shareable as a URL.
  queryLink(a, query) {
    a.textContent = query;
    a.dataset.query = query;
    a.setAttribute('href', this.urlFor(query, '', ''));
    return a;
  }

  chip(value, text, count, pressed) {
    const button = el('button', 'hx-chip', text);
    button.type = 'button';
    button.dataset.value = value;
    button.setAttribute('aria-pressed', String(pressed));
    if (count != null) button.append(' ', el('span', 'hx-count', count));
    return button;
  }

  // The most common tags of the matching articles: a filter row, not a tag cloud.
  renderTags(counts) {
    const active = this.state.tag;
    const list = counts.filter((t) => t && typeof t.tag === 'string' && t.tag).slice(0, MAX_FACET_TAGS);
    if (active && !list.some((t) => t.tag === active)) list.unshift({ tag: active, count: null });
    list.forEach((t) => {
      const chip = this.chip(t.tag, t.tag, t.count, t.tag === active);
      if (t.count != null) chip.setAttribute('aria-label', t.tag + ', ' + plural(Number(t.count), 'article', 'articles'));
      this.tags.appendChild(chip);
    });
    this.tags.hidden = list.length === 0;
  }

  // "Cites:" chips: sections citing at least one source of a kind, with counts.
  renderEvidence(kinds) {
    const active = this.state.evidence;
    const list = kinds.filter((k) => k && EVIDENCE.some((e) => e[0] === k.evidence));
    if (active && !list.some((k) => k.evidence === active)) list.unshift({ evidence: active, count: null });
    if (!list.length) return;
    this.evidence.appendChild(el('span', 'hx-filter-label', 'Cites:'));
    list.forEach((k) => this.evidence.appendChild(
      this.chip(k.evidence, evidenceLabel(k.evidence, 1), k.count, k.evidence === active)));
    this.evidence.hidden = false;
  }

  renderGroup(group) {
    const li = el('li', 'hx-group');
    const hits = Array.isArray(group.hits) ? group.hits.filter((h) => h && typeof h === 'object') : [];
    const first = hits[0] || {};
    const heading = el('h' + this.level, 'hx-group-title');
    heading.appendChild(link(group.url, 'hx-group-link', group.title || group.path || 'Untitled'));
    li.appendChild(heading);
    const about = this.renderAbout(first);
    if (about) li.appendChild(about);
    if (typeof first.description === 'string' && first.description.trim()) {
      li.appendChild(el('p', 'hx-description', first.description.trim()));
    }
    const ul = el('ul', 'hx-hits');
    hits.forEach((hit) => ul.appendChild(this.renderHit(hit, group.title)));
    li.appendChild(ul);
    return li;
  }

  // "10 Mar 2024 · Updated 2 Jan 2025 · By Ann Lee · Reviewed by Dr Ada Obi, 3 Feb 2025"
  renderAbout(hit) {
    const parts = [];
    const published = time(hit.date);
    const updated = hit.updated && hit.updated !== hit.date ? time(hit.updated) : null;
    if (published) parts.push(this.part('hx-date', hit.updated === hit.date ? 'Updated ' : '', published));
    if (updated) parts.push(this.part('hx-updated', 'Updated ', updated));
    const authors = strings(hit.authors);
    if (authors.length) parts.push(this.part('hx-authors', 'By ' + authors.join(', ')));
    const reviewers = strings(hit.reviewers);
    const reviewed = time(hit.reviewed);
    if (reviewers.length || reviewed) {
      const part = this.part('hx-reviewed', reviewers.length ? 'Reviewed by ' + reviewers.join(', ') : 'Reviewed ');
      if (reviewers.length && reviewed) part.append(', ');
      if (reviewed) part.append(reviewed);
      parts.push(part);
    }
    if (!parts.length) return null;
    const p = el('p', 'hx-about');
    parts.forEach((part, i) => {
      if (i) p.append(' \u00b7 ');
      p.appendChild(part);
    });
    return p;
  }

  part(className, text, node) {
    const span = el('span', className, text);
    if (node) span.appendChild(node);
    return span;
  }

  renderHit(hit, title) {
    const li = el('li', 'hx-hit');
    const heading = typeof hit.heading === 'string' && hit.heading ? hit.heading : 'Introduction';
    // Enclosing headings between the article title and the section heading.
    let crumbs = strings(hit.breadcrumbs);
    if (crumbs.length && crumbs[0] === (hit.title || title)) crumbs = crumbs.slice(1);
    if (crumbs.length && crumbs[crumbs.length - 1] === hit.heading) crumbs = crumbs.slice(0, -1);
    if (crumbs.length) li.appendChild(el('span', 'hx-crumbs', crumbs.join(' \u203a ') + ' \u203a'));
    li.appendChild(link(hit.url, 'hx-hit-link', heading));
    const p = el('p', 'hx-snippet');
    fillSnippet(p, hit.snippet);
    li.appendChild(p);
    if (Array.isArray(hit.sources) && hit.sources.length) li.appendChild(this.renderSources(hit.sources));
    return li;
  }

  // "3 sources · 1 systematic review", opening to the list, each linked and labelled.
  renderSources(sources) {
    const list = sources.filter((s) => s && typeof s === 'object');
    const details = el('details', 'hx-sources');
    const counts = EVIDENCE.map((e) => [e[0], list.filter((s) => s.evidence === e[0]).length])
      .filter((c) => c[1] > 0)
      .map((c) => c[1] + ' ' + evidenceLabel(c[0], c[1]));
    details.appendChild(el('summary', null,
      plural(list.length, 'source', 'sources') + (counts.length ? ' \u00b7 ' + counts.join(', ') : '')));
    const ol = el('ol', 'hx-source-list');
    list.forEach((s) => {
      const li = el('li', 'hx-source');
      const authors = strings(s.authors);
      const who = authors.length > 2 ? authors[0] + ' et al.' : authors.join(', ');
      const year = Number.isInteger(s.year) ? ' (' + s.year + ')' : '';
      if (who || year) li.appendChild(el('span', 'hx-source-who', who + year + '. '));
      li.appendChild(link(s.url, 'hx-source-link', typeof s.title === 'string' && s.title ? s.title : 'Untitled source'));
      if (typeof s.container === 'string' && s.container) li.appendChild(el('span', 'hx-source-in', ' ' + s.container + '.'));
      li.appendChild(el('span', 'hx-evidence-label', ' ' + evidenceLabel(s.evidence, 1)));
      ol.appendChild(li);
    });
    details.appendChild(ol);
    return details;
  }

  // ---- no results --------------------------------------------------------

  // What to do next: drop the filter, the did-you-mean, words from the
  // vocabulary, the site's main topics, and two tips.
  renderEmpty(data) {
    const { q, tag, evidence } = this.state;
    const panel = this.empty;
    const filtered = tag || evidence;
    panel.appendChild(el('h' + this.level, 'hx-empty-title', 'No results for ' + quoted(q) + (tag ? ' tagged ' + quoted(tag) : '')));
    this.status.textContent = 'No results for ' + quoted(q);
    if (filtered) {
      const all = el('button', 'hx-chip hx-unfilter', 'Search all articles');
      all.type = 'button';
      all.addEventListener('click', () => this.searchFor(q));
      panel.appendChild(all);
    }
    const suggestion = typeof data.did_you_mean === 'string' ? data.did_you_mean.trim() : '';
    if (suggestion) {
      const p = el('p', 'hx-empty-dym', 'Did you mean ');
      p.append(this.queryLink(el('a', 'hx-query-link'), suggestion), '?');
      panel.appendChild(p);
    }
    const mine = this.seq;
    const words = el('p', 'hx-empty-words');
    const topics = el('div', 'hx-empty-tags');
    words.hidden = topics.hidden = true;
    panel.append(words, topics,
      el('p', 'hx-empty-tips', 'Try fewer words, another word for the same thing, or check the spelling.'));
    panel.hidden = false;
    this.suggestionsFor(q).then((found) => {
      if (mine !== this.seq || !found.length) return;
      words.append('Try: ');
      found.forEach((text, i) => {
        if (i) words.append(', ');
        words.appendChild(this.queryLink(el('a', 'hx-query-link'), text));
      });
      words.hidden = false;
    });
    this.siteTags().then((list) => {
      if (mine !== this.seq || !list.length) return;
      topics.appendChild(el('span', 'hx-filter-label', 'Browse a topic:'));
      list.forEach((t) => {
        const a = this.queryLink(el('a', 'hx-chip hx-query-link'), t.tag);
        if (t.count != null) a.append(' ', el('span', 'hx-count', t.count));
        topics.appendChild(a);
      });
      topics.hidden = false;
    });
  }

  // Words from the vocabulary that start like the query's last word: the query
  // completed as typed, else the last word's first three letters completed.
  suggestionsFor(q) {
    if (typeof this.source.suggest !== 'function') return Promise.resolve([]);
    const words = q.split(/\s+/).filter(Boolean);
    const last = words[words.length - 1] || '';
    const asks = [q];
    if (last.length > 3) asks.push(last.slice(0, 3));
    const seen = new Set([q.toLowerCase()]);
    const found = [];
    const ask = (i) => {
      if (i >= asks.length || found.length >= SUGGESTIONS) return Promise.resolve(found);
      return Promise.resolve()
        .then(() => this.source.suggest(asks[i], SUGGESTIONS))
        .then((list) => {
          (Array.isArray(list) ? list : []).forEach((s) => {
            const text = s && typeof s.text === 'string' ? s.text.trim() : '';
            if (text && !seen.has(text.toLowerCase()) && found.length < SUGGESTIONS) {
              seen.add(text.toLowerCase());
              found.push(text);
            }
          });
          return ask(i + 1);
        });
    };
    return ask(0).catch(() => found);
  }

  // The site's main tags, asked for once.
  siteTags() {
    if (typeof this.source.tags !== 'function') return Promise.resolve([]);
    if (!this.mainTags) {
      const limit = Math.max(0, Number(this.settings.mainTags) || 0);
      this.mainTags = Promise.resolve()
        .then(() => (limit ? this.source.tags(limit) : []))
        .then((list) => (Array.isArray(list) ? list : [])
          .filter((t) => t && typeof t.tag === 'string' && t.tag).slice(0, limit))
        .catch(() => {
          this.mainTags = null; // ask again next time
          return [];
        });
    }
    return this.mainTags;
  }
}
