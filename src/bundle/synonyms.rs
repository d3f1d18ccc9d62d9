//! The synonym table cut into shards, so a query fetches the few that can match
//! its words instead of the whole table (15 KB gzipped for the built-in list, on
//! every first visit). The planner looks a stretch of query words up by its key
//! (`text::key_word` of each word), so a term can only match a query holding the
//! first word of its key: a term belongs to the shard of that word's hash, with
//! every entry that expands it and every term those entries add. A query loads
//! the shards of its words' keys (and of each key without a final `s`, which the
//! lookup also tries) and `js/search.js` merges them back, in the table's order,
//! into the table the planner reads: for the words of that query, the planner
//! finds what it would find in the whole table.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::search::understand::PortableSynonyms;
use crate::text::Analyzer;

/// Shards of the table. The built-in list gives about 350 bytes a shard (gzipped)
/// and a query reads about one a word; 64 shards were 1.2 KB each, 512 were 210
/// bytes but 94 → 115 KB in all, the metadata listing each.
pub const SHARDS: usize = 256;

/// One shard: the terms and entries of the table whose keys start with a word of
/// this shard, numbered as in the whole table so shards merge in its order.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Shard {
    /// Table numbers of the terms this shard holds, ascending.
    pub ids: Vec<usize>,
    /// Those terms, as shown.
    pub terms: Vec<String>,
    /// Symmetric groups, as (first term's number, length).
    pub groups: Vec<(usize, usize)>,
    /// One-way entries, as (place in the table's list, from, targets…).
    pub expansions: Vec<Vec<usize>>,
    /// Lookup keys the planner cannot recompute from the display, by term number.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<(usize, Vec<String>)>,
}

/// The shard of a key's first word: FNV-1a (32 bits) of its UTF-8 bytes, as
/// `js/search.js` computes it.
pub fn shard_of(word: &str) -> usize {
    let hash = word.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash as usize % SHARDS
}

/// The table cut into [`SHARDS`] shards.
pub fn shards(table: &PortableSynonyms) -> Vec<Shard> {
    let first_words = first_key_words(table);
    let shard_of_term = |id: usize| first_words[id].as_deref().map(shard_of);
    let mut holds: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); SHARDS];
    let mut shards: Vec<Shard> = (0..SHARDS).map(|_| Shard::default()).collect();
    let mut start = 0;
    for &length in &table.groups {
        let run = start..start + length;
        start += length;
        if length < 2 {
            continue;
        }
        let owners: BTreeSet<usize> = run.clone().filter_map(shard_of_term).collect();
        for owner in owners {
            shards[owner].groups.push((run.start, length));
            holds[owner].extend(run.clone());
        }
    }
    for (place, entry) in table.expansions.iter().enumerate() {
        let Some(owner) = entry.first().and_then(|&from| shard_of_term(from)) else {
            continue;
        };
        let mut listed = vec![place];
        listed.extend(entry);
        shards[owner].expansions.push(listed);
        holds[owner].extend(entry.iter().copied());
    }
    for (shard, ids) in shards.iter_mut().zip(holds) {
        shard.terms = ids.iter().map(|&id| table.terms[id].clone()).collect();
        shard.keys = ids
            .iter()
            .filter_map(|id| Some((*id, table.keys.get(id)?.clone())))
            .collect();
        shard.ids = ids.into_iter().collect();
    }
    shards
}

/// Each term's first lookup-key word (none for a term of stop words only, which
/// no query can look up).
fn first_key_words(table: &PortableSynonyms) -> Vec<Option<String>> {
    let mut analyzer = Analyzer::new();
    table
        .terms
        .iter()
        .enumerate()
        .map(|(id, display)| match table.keys.get(&id) {
            Some(key) => key.first().cloned(),
            None => analyzer.key_words(display).into_iter().next(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_javascript() {
        // Values the browser code gives (Math.imul over the UTF-8 bytes).
        assert_eq!(shard_of(""), 0x811c_9dc5usize % SHARDS);
        assert_eq!(shard_of("a"), 0xe40c_292cusize % SHARDS);
    }

    #[test]
    fn a_group_goes_to_every_shard_of_its_terms_and_an_entry_to_its_first() {
        let table = PortableSynonyms {
            terms: [
                "heart attack",
                "myocardial infarction",
                "mi",
                "flu",
                "influenza",
            ]
            .map(String::from)
            .to_vec(),
            groups: vec![3, 1, 1],
            expansions: vec![vec![3, 4]],
            keys: Default::default(),
        };
        let shards = shards(&table);
        for word in ["heart", "myocardial", "mi"] {
            let shard = &shards[shard_of(word)];
            assert!(shard.groups.contains(&(0, 3)), "{word}: {shard:?}");
            assert!(shard.ids.starts_with(&[0, 1, 2]), "{word}: {shard:?}");
        }
        let flu = &shards[shard_of("flu")];
        assert_eq!(flu.expansions, [vec![0, 3, 4]]);
        assert!(flu.ids.contains(&4) && flu.terms.contains(&"influenza".to_string()));
        let total: usize = shards.iter().map(|s| s.expansions.len()).sum();
        assert_eq!(total, 1, "a one-way entry lives in one shard");
    }
}
