//! The word statistics the ranking scores with.
//!
//! BM25 weighs a word by how rare it is in the field it matched. Titles and
//! headings are short, so almost every word is rare there: "after" is in few
//! headings, and "tummy ache after eating" put "Heart attack warning signs › After a
//! heart attack" first on "after" alone (9.62 of its 12.06). How informative a word
//! is shows in prose, where "after" is everywhere. So healthdex's ranking counts a
//! word of a title, heading or enclosing heading as found in at least
//! [`PROSE_SHARE`] of the sections whose bodies have it: a word of titles ("asthma")
//! keeps its rarity, an everyday word that is rare only because headings are short
//! ("after", "keep", "bad") loses most of it. Each field keeps its own length
//! normalisation. The plain BM25 baseline scores with each field's own statistics.

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::index::schema::Fields;

/// A word in a short field counts as found in at least this share of the sections
/// whose bodies have it. Measured on the three judged suites (nDCG@10 of every
/// class): 1.0 (the body's rarity outright) lifted long messages from 0.475 to 0.489
/// but cost MedQuAD's misspellings 0.606 → 0.579, because a correction that is rare
/// in prose ("pneumonitis") then outranked the common one ("pneumonia"); 0.1 gave
/// 0.488 with no class of the older suites lower except one topic query (0.807 →
/// 0.806, "down syndrome causes": "down" is everyday prose); 0.2 and up cost the
/// older suites again.
pub(crate) const PROSE_SHARE: f64 = 0.1;

/// Which statistics a compiled query is scored with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// Each field's own (plain BM25).
    Own,
    /// Short fields take the body's rarity when it is lower (healthdex's ranking).
    Prose,
}

/// Statistics for one search.
pub struct Statistics<'a> {
    searcher: &'a Searcher,
    body: Field,
    /// Fields whose words take the body's rarity when it is lower.
    short: Vec<Field>,
}

impl<'a> Statistics<'a> {
    /// The statistics `scoring` asks for, over `searcher`.
    pub fn new(searcher: &'a Searcher, fields: &Fields, scoring: Scoring) -> Statistics<'a> {
        Statistics {
            searcher,
            body: fields.body,
            short: match scoring {
                Scoring::Own => Vec::new(),
                Scoring::Prose => vec![fields.title, fields.heading, fields.parents],
            },
        }
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let own = self.searcher.doc_freq(term)?;
        if !self.short.contains(&term.field()) {
            return Ok(own);
        }
        let value = term.value();
        let Some(text) = value.as_str() else {
            return Ok(own);
        };
        let in_prose = self
            .searcher
            .doc_freq(&Term::from_field_text(self.body, text))?;
        Ok(own.max((in_prose as f64 * PROSE_SHARE) as u64))
    }
}
