// The source of the search UI (ui.js) for `healthdex serve`: each method calls the
// server's JSON API by a URL relative to `base` (by default the page's own folder,
// so a page served under a proxy prefix such as /search/ calls /search/api/…).
// Errors come back as rejected promises whose message is the server's own JSON
// `error`, which the UI shows; a network failure stays a TypeError.

/** A source for mount() that asks the healthdex server at `base` (default: './'). */
export function serverSource(base) {
  const root = typeof base === 'string' && base ? (base.endsWith('/') ? base : base + '/') : '';
  const get = (path, params, signal) =>
    fetch(root + path + '?' + params.toString(), {
      signal: signal,
      headers: { Accept: 'application/json' },
    }).then((res) => res.json().catch(() => null).then((data) => {
      if (!res.ok || !data || data.error) {
        throw new Error((data && typeof data.error === 'string' && data.error) ||
          'Search failed (HTTP ' + res.status + '). Please try again.');
      }
      return data;
    }));

  return {
    search(query, options) {
      const o = options || {};
      const params = new URLSearchParams({ q: query });
      if (o.group) params.set('group', '1');
      if (o.limit != null) params.set('limit', String(o.limit));
      if (o.offset) params.set('offset', String(o.offset));
      if (o.tag) params.set('tag', o.tag);
      if (o.evidence) params.set('evidence', o.evidence);
      return get('api/search', params, o.signal);
    },

    suggest(prefix, limit) {
      return get('api/suggest', new URLSearchParams({ q: prefix }))
        .then((data) => (Array.isArray(data.suggestions) ? data.suggestions : []).slice(0, limit || undefined));
    },

    tags(limit) {
      const params = new URLSearchParams();
      if (limit) params.set('limit', String(limit));
      return get('api/tags', params).then((data) => (Array.isArray(data.tags) ? data.tags : []));
    },
  };
}
