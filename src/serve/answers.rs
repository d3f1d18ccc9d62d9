//! Answers kept in memory for the routes whose answer depends only on the request
//! and the index commit (`/api/search`, `/api/suggest`, `/api/tags`). Readers of a
//! health site ask the same few things again and again ("leaky gut", "eczema"),
//! so the bytes of an answer are kept, least recently used first out, within a
//! budget of bytes, and a repeated request is answered without searching.
//!
//! An entry is keyed by the route, the exact query string and the commit tag the
//! answer was computed from; an answer is kept only when the commit was the same
//! before and after it was computed (as its `ETag` is). When the commit changes,
//! every entry of the old one is dropped at the next lookup, so a new index is
//! never answered from an old one and the budget holds only live answers.

use std::sync::{Mutex, MutexGuard};

use axum::body::Bytes;
use lru::LruCache;

/// The default budget: 64 MiB holds about 6,000 MedQuAD search answers (10 KB each).
pub const DEFAULT_BUDGET_BYTES: usize = 64 << 20;
/// Bytes counted per entry besides its key and body (the map's own bookkeeping).
const ENTRY_OVERHEAD: usize = 96;
/// An answer larger than this share of the budget is never kept (unless the cache
/// is made [`AnswerCache::with_largest`]), so one huge answer cannot empty it.
const LARGEST_SHARE: usize = 16;

/// The route and query string of a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The request's path (`/api/search`), or the route's name.
    pub route: String,
    /// Its query string as sent (no canonical form: the same link asks the same
    /// way), or what else names the answer within the route.
    pub query: String,
}

/// The cache; shared by all requests of a server.
#[derive(Debug)]
pub struct AnswerCache {
    budget: usize,
    largest: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The commit the entries were computed from.
    commit: String,
    entries: LruCache<Key, Bytes>,
    bytes: usize,
}

impl AnswerCache {
    /// A cache holding at most `budget` bytes of answers; 0 keeps nothing.
    pub fn new(budget: usize) -> AnswerCache {
        AnswerCache::with_largest(budget, budget / LARGEST_SHARE)
    }

    /// A cache of `budget` bytes that keeps no answer costing more than `largest`.
    pub fn with_largest(budget: usize, largest: usize) -> AnswerCache {
        AnswerCache {
            budget,
            largest,
            state: Mutex::new(State {
                commit: String::new(),
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    /// The answer kept for `key` at `commit`, if any.
    pub fn get(&self, commit: &str, key: &Key) -> Option<Bytes> {
        if self.budget == 0 {
            return None;
        }
        let mut state = self.lock();
        state.follow(commit);
        state.entries.get(key).cloned()
    }

    /// Keeps `body` as the answer to `key` at `commit`, dropping the least recently
    /// used answers while the budget is exceeded.
    pub fn put(&self, commit: &str, key: Key, body: Bytes) {
        let weight = cost(&key, &body);
        if weight > self.largest {
            return;
        }
        let mut state = self.lock();
        state.follow(commit);
        if let Some(old) = state.entries.put(key.clone(), body) {
            state.bytes -= cost_of(&key, old.len());
        }
        state.bytes += weight;
        while state.bytes > self.budget {
            let Some((key, body)) = state.entries.pop_lru() else {
                break;
            };
            state.bytes -= cost(&key, &body);
        }
    }

    /// How many answers are kept, and their bytes as counted against the budget.
    pub fn usage(&self) -> (usize, usize) {
        let state = self.lock();
        (state.entries.len(), state.bytes)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for AnswerCache {
    fn default() -> AnswerCache {
        AnswerCache::new(DEFAULT_BUDGET_BYTES)
    }
}

impl State {
    /// Drops every entry when `commit` is not the one they were computed from.
    fn follow(&mut self, commit: &str) {
        if self.commit != commit {
            self.entries.clear();
            self.bytes = 0;
            self.commit = commit.to_string();
        }
    }
}

fn cost(key: &Key, body: &Bytes) -> usize {
    cost_of(key, body.len())
}

fn cost_of(key: &Key, body: usize) -> usize {
    key.route.len() + key.query.len() + body + ENTRY_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(query: &str) -> Key {
        Key {
            route: "/api/search".into(),
            query: query.into(),
        }
    }

    fn body(len: usize) -> Bytes {
        Bytes::from(vec![b'x'; len])
    }

    #[test]
    fn an_answer_is_found_for_its_commit_only() {
        let cache = AnswerCache::new(1 << 20);
        cache.put("c1", key("q=gut"), body(10));
        assert_eq!(cache.get("c1", &key("q=gut")), Some(body(10)));
        assert_eq!(cache.get("c1", &key("q=skin")), None);
        assert_eq!(cache.get("c2", &key("q=gut")), None, "a new commit");
        assert_eq!(
            cache.usage(),
            (0, 0),
            "the old commit's answers are dropped"
        );
        assert_eq!(cache.get("c1", &key("q=gut")), None, "and stay dropped");
    }

    #[test]
    fn the_budget_drops_the_least_recently_used_first() {
        let each = cost(&key("q=0"), &body(1000));
        let cache = AnswerCache::with_largest(each * 3, each);
        for n in 0..3 {
            cache.put("c", key(&format!("q={n}")), body(1000));
        }
        assert!(
            cache.get("c", &key("q=0")).is_some(),
            "q=0 is now the newest"
        );
        cache.put("c", key("q=3"), body(1000));
        assert_eq!(cache.usage(), (3, each * 3));
        assert!(cache.get("c", &key("q=1")).is_none(), "the oldest went");
        for kept in ["q=0", "q=2", "q=3"] {
            assert!(cache.get("c", &key(kept)).is_some(), "{kept}");
        }
    }

    #[test]
    fn replacing_an_answer_counts_its_bytes_once() {
        let cache = AnswerCache::new(1 << 20);
        cache.put("c", key("q=gut"), body(100));
        cache.put("c", key("q=gut"), body(300));
        assert_eq!(cache.usage(), (1, cost(&key("q=gut"), &body(300))));
    }

    #[test]
    fn nothing_is_kept_without_a_budget_or_beyond_its_share() {
        let off = AnswerCache::new(0);
        off.put("c", key("q=gut"), body(10));
        assert_eq!(off.get("c", &key("q=gut")), None);
        let small = AnswerCache::new(16 * 1024);
        small.put("c", key("q=big"), body(2000));
        assert_eq!(small.usage(), (0, 0), "over a sixteenth of the budget");
        small.put("c", key("q=ok"), body(500));
        assert_eq!(small.usage().0, 1);
        let halves = AnswerCache::with_largest(16 * 1024, 8 * 1024);
        halves.put("c", key("q=big"), body(2000));
        halves.put("c", key("q=huge"), body(8 * 1024));
        assert_eq!(halves.usage().0, 1, "only the answer within half is kept");
    }
}
