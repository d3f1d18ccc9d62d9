//! Search: from a reader's text to ranked sections ([`Hit`]s) with snippets.
//!
//! The text is understood by [`mod@understand`] (operators, filler, synonyms, typos,
//! proximity) as a plain [`QueryPlan`], lowered to index queries by `compile.rs`,
//! and run. Sections that match
//! enough of the reader's words come first; when they do not fill the page, the
//! sections matching fewer words follow. The candidates are then
//! arranged so that no article floods the page (at most
//! [`SearchOptions::per_article`] sections of one article before the others have
//! had their turn on the first page of ten), or grouped per article. Only the sections on the returned page
//! are read back and given a [`Snippet`]. The result types are plain serde structs:
//! the JSON output of the CLI and of the HTTP API is their serialization.

mod arrange;
pub mod bench;
mod collect;
mod compile;
pub mod eval;
pub mod focus;
mod hits;
#[cfg(feature = "semantic")]
mod hybrid;
pub mod limits;
mod options;
mod request;
mod snippet;
mod stats;
mod suggest;
mod tag_counts;
pub mod understand;
mod vocabulary;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Score, Searcher};

pub use limits::Profile;
pub use options::{FieldWeights, Mode, SearchOptions};
pub use request::{RawRequest, SearchRequest, check_evidence};
pub use snippet::Snippet;
pub use suggest::Suggestion;
pub use understand::{Correction, Filters, PortableSynonyms, QueryPlan, Synonyms};

use crate::index::schema::Fields;
use crate::index::{self, OpenIndex};
use crate::text::Analyzer;
use crate::{Error, Result};
pub(crate) use compile::FIELD_TIE_BREAKER;
use compile::{Compiled, compile, compile_baseline};
use limits::{FIRST_PAGE, MAX_ARRANGED_SECTIONS, SECTIONS_PER_GROUP};
use snippet::SnippetMaker;
pub(crate) use stats::PROSE_SHARE;
use understand::{Context, RecordingVocabulary, Vocabulary, VocabularyTrace, understand};
use vocabulary::IndexVocabulary;

/// A plan and what its understanding asked the vocabulary ([`Engine::traced_plan`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracedPlan {
    /// The plan.
    pub plan: QueryPlan,
    /// The questions and answers; `None` when typo correction is off (no vocabulary).
    pub vocabulary: Option<VocabularyTrace>,
}

/// The answer to a [`SearchRequest`]. In JSON, `groups` replaces `hits` when
/// grouping was asked for.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SearchResults {
    /// The query as read (its first [`limits::MAX_QUERY_CHARS`] characters).
    pub query: String,
    /// Number of matching sections (not only those returned).
    pub total: usize,
    /// The page of sections (empty when grouping).
    #[serde(default)]
    pub hits: Vec<Hit>,
    /// The page of articles, when grouping was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// Tag counts over all matching sections' articles (when asked for).
    pub facets: Facets,
    /// Synonyms that were searched as well as the reader's words.
    pub also_searched: Vec<String>,
    /// Words not in the index, and the words they were read as.
    pub corrections: Vec<Correction>,
    /// The query with its unknown words corrected.
    pub did_you_mean: Option<String>,
    /// The reader's words that no section has (and that were not read as a
    /// correction or a synonym): "No article mentions …".
    pub missing: Vec<String>,
    /// How the query was understood (when an explanation was asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<QueryPlan>,
    /// The names in the query that articles go by, and those articles (when an
    /// explanation was asked for).
    #[serde(default)]
    pub focus: Vec<focus::Focus>,
}

impl Serialize for SearchResults {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("query", &self.query)?;
        map.serialize_entry("total", &self.total)?;
        match &self.groups {
            Some(groups) => map.serialize_entry("groups", groups)?,
            None => map.serialize_entry("hits", &self.hits)?,
        }
        map.serialize_entry("facets", &self.facets)?;
        map.serialize_entry("also_searched", &self.also_searched)?;
        map.serialize_entry("corrections", &self.corrections)?;
        map.serialize_entry("did_you_mean", &self.did_you_mean)?;
        map.serialize_entry("missing", &self.missing)?;
        if let Some(plan) = &self.plan {
            map.serialize_entry("plan", plan)?;
            map.serialize_entry("focus", &self.focus)?;
        }
        map.end()
    }
}

/// Facet counts of the matching sections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// Tags with the number of matching articles that have each, most frequent
    /// first (an article counts once, however many of its sections match).
    pub tags: Vec<TagCount>,
    /// Evidence types of the sources the matching sections cite, with how many
    /// matching sections cite at least one source of each; most frequent first.
    #[serde(default)]
    pub evidence: Vec<EvidenceCount>,
}

/// An evidence type and how many matching sections cite a source of that type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceCount {
    /// `systematic-review`, `rct`, … (see [`crate::article::Evidence`]).
    pub evidence: String,
    /// Matching sections citing such a source.
    pub count: u64,
}

/// A work a section cites, as a hit shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Each author as written.
    pub authors: Vec<String>,
    /// Year of publication.
    pub year: Option<u16>,
    /// Title of the work.
    pub title: Option<String>,
    /// Journal, book, website or publisher.
    pub container: Option<String>,
    /// Bare DOI.
    pub doi: Option<String>,
    /// PubMed identifier.
    pub pmid: Option<String>,
    /// Where to read it: the DOI's address, else its PubMed page, else its own URL.
    pub url: Option<String>,
    /// The kind of study or document (`systematic-review`, `rct`, … `unknown`).
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// A tag and how many articles have it (among those with a matching section, in
/// [`Facets`]; among all, in [`Engine::tags`]).
pub struct TagCount {
    /// The tag.
    pub tag: String,
    /// Articles with this tag, each counted once however many of its sections match.
    pub count: u64,
}

/// One article and its best matching sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Article path relative to the corpus root.
    pub path: String,
    /// Article title.
    pub title: String,
    /// Article URL (no anchor).
    pub url: String,
    /// Score of its best section.
    pub score: f32,
    /// Its best sections (at most three), best first.
    pub hits: Vec<Hit>,
}

/// One matching section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Article path relative to the corpus root (the article id).
    pub path: String,
    /// Article title.
    pub title: String,
    /// The section's own heading; empty for the intro.
    pub heading: String,
    /// Title › enclosing headings › heading.
    pub breadcrumbs: Vec<String>,
    /// Section anchor (empty for the intro).
    pub anchor: String,
    /// Article URL plus `#anchor` (no fragment for the intro).
    pub url: String,
    /// Ranking score (higher is better; comparable within one search only).
    pub score: f32,
    /// Publication date of the article (its `date`, else `updated`), `YYYY-MM-DD`.
    pub date: Option<String>,
    /// When the article was last revised (front matter `updated`), `YYYY-MM-DD`;
    /// left out of the JSON when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Tags of the article.
    pub tags: Vec<String>,
    /// The article's authors, as written; left out of the JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Who reviewed the article's content (front matter `reviewed_by`), as written;
    /// left out of the JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<String>,
    /// When it was last reviewed (front matter `last_reviewed`), `YYYY-MM-DD`; left
    /// out of the JSON when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<String>,
    /// The article's description (front matter `description` or `summary`); left
    /// out of the JSON when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The works the section cites, in the order it first cites them.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The excerpt with the reader's words marked.
    pub snippet: Snippet,
    /// Why the section scored as it did (only when asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<ExplainPart>>,
}

/// One part of the query and what it added to a hit's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainPart {
    /// The part, as `--explain` names it.
    pub clause: String,
    /// What it added to the score.
    pub score: f32,
}

impl arrange::OfArticle for Candidate {
    fn article(&self) -> u64 {
        self.article
    }

    fn answers(&self) -> bool {
        self.answers
    }
}

/// A candidate section before it is read back.
#[derive(Debug, Clone)]
struct Candidate {
    score: Score,
    address: DocAddress,
    /// Key of the article ([`article_key`](crate::index::schema::article_key)).
    article: u64,
    /// Position of the section in its article.
    ordinal: u64,
    /// Whether the section has text of its own (not only a heading, or only a
    /// list of references).
    answers: bool,
    /// What `--explain` shows beside the query's parts (the contributions of a
    /// hybrid ranking); empty for a lexical ranking.
    notes: Vec<ExplainPart>,
}

/// A searchable index. Searches take `&self` and may run in parallel.
pub struct Engine {
    reader: IndexReader,
    fields: Fields,
    options: SearchOptions,
    /// [`SearchOptions::digest`], computed when first asked for.
    options_digest: std::sync::OnceLock<blake3::Hash>,
    /// Analyzers lent to searches, so each is built once and its stem cache kept.
    analyzers: Mutex<Vec<Analyzer>>,
    /// The model and vectors of hybrid ranking, when the index has vectors.
    #[cfg(feature = "semantic")]
    hybrid: Option<std::sync::Arc<crate::semantic::Hybrid>>,
}

impl Engine {
    /// Opens the index in `dir` with the default options.
    pub fn open(dir: &Path) -> Result<Engine> {
        Engine::from_index(index::open(dir)?, SearchOptions::default())
    }

    /// Wraps an opened index. The reader follows new commits automatically.
    pub fn from_index(open: OpenIndex, options: SearchOptions) -> Result<Engine> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| {
                Error::tantivy(
                    format!("cannot read the index at `{}`", open.dir.display()),
                    e,
                )
            })?;
        Ok(Engine {
            reader,
            fields: open.fields,
            options_digest: std::sync::OnceLock::new(),
            options,
            analyzers: Mutex::default(),
            #[cfg(feature = "semantic")]
            hybrid: None,
        })
    }

    /// The same index searched with other options.
    pub fn with_options(&self, options: SearchOptions) -> Engine {
        Engine {
            reader: self.reader.clone(),
            fields: self.fields.clone(),
            options_digest: std::sync::OnceLock::new(),
            options,
            analyzers: Mutex::default(),
            #[cfg(feature = "semantic")]
            hybrid: self.hybrid.clone(),
        }
    }

    /// The options this engine searches with.
    pub fn options(&self) -> &SearchOptions {
        &self.options
    }

    /// Completions of the last word of `typed`, from titles and headings.
    pub fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<suggest::Suggestion>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        // Title, heading and body, as the static bundle checks.
        let vocabulary = IndexVocabulary {
            searcher: &searcher,
            field: f.spell,
            stemmed: vec![f.title, f.heading, f.body],
        };
        let mut analyzer = self.borrow_analyzer();
        let follows = |before: &str, word: &str| {
            let pair = [analyzer.stems(before), analyzer.stems(word)];
            match pair {
                [a, b] if a.len() == 1 && b.len() == 1 => {
                    vocabulary.together(&[a[0].1.clone(), b[0].1.clone()], 0)
                }
                _ => false,
            }
        };
        let found = suggest::suggest(&searcher, f.suggest, typed, limit, follows)
            .map_err(|e| Error::tantivy("cannot read completions", e));
        self.return_analyzer(analyzer);
        found
    }

    /// The site's most common tags, each with the number of indexed articles that
    /// have it, most first; at most `limit` (for a page to offer as starting points).
    pub fn tags(&self, limit: usize) -> Result<Vec<TagCount>> {
        let searcher = self.reader.searcher();
        let counted = searcher
            .search(&tantivy::query::AllQuery, &tag_counts::ArticlesPerTag)
            .map_err(|e| Error::tantivy("cannot count the tags", e))?;
        Ok(tag_counts::ranked(counted, limit))
    }

    /// A tag naming the commit searches read now and the options they run with:
    /// the same for every process reading the same commit of the same index with
    /// the same settings, different after any change to the index (new segments,
    /// merges, deletions), to the options or to healthdex's version. The server
    /// builds its `ETag`s from it.
    pub fn commit_tag(&self) -> String {
        let searcher = self.reader.searcher();
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        let options = self.options_digest.get_or_init(|| self.options.digest());
        hasher.update(options.as_bytes());
        #[cfg(feature = "semantic")]
        if let Some(hybrid) = &self.hybrid {
            hasher.update(format!("hybrid {:?}", hybrid.fusion()).as_bytes());
        }
        for (segment, deletes) in searcher.generation().segments() {
            hasher.update(segment.uuid_string().as_bytes());
            hasher.update(&deletes.unwrap_or(u64::MAX).to_le_bytes());
        }
        hasher.finalize().to_hex()[..20].to_string()
    }

    /// Number of sections in the index.
    pub fn sections(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search and returns the requested page.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        request.validate(&Profile::LIBRARY)?;
        let searcher = self.reader.searcher();
        let mut results = SearchResults {
            query: understand::clip(&request.query).to_string(),
            ..SearchResults::default()
        };
        let mut analyzer = self.borrow_analyzer();
        let mut plan = self.understand(&searcher, request, &mut analyzer);
        self.return_analyzer(analyzer);
        if self.options.mode == Mode::Full {
            focus::settle(&searcher, &self.fields, &mut plan)?;
        }
        let compiled = match self.options.mode {
            Mode::Full => compile(&plan, &self.fields, &self.options.weights),
            Mode::Baseline => compile_baseline(&plan, &self.fields),
        };
        results.also_searched = plan.notes.also_searched.clone();
        results.corrections = plan.notes.corrections.clone();
        results.did_you_mean = plan.notes.did_you_mean.clone();
        results.missing = plan.notes.missing.clone();
        let Some(compiled) = compiled else {
            // Nothing searchable (punctuation only): still the shape that was asked
            // for, with the plan when explained (found by fuzzing).
            if request.group {
                results.groups = Some(Vec::new());
            }
            results.plan = request.explain.then_some(plan);
            return Ok(results);
        };
        let wanted = request.offset + request.limit;
        let depth = self.candidate_depth(request, wanted);
        let statistics = stats::Statistics::new(&searcher, &self.fields, compiled.scoring);
        let body = self.fields.body;
        let (mut candidates, mut total, mut facets) = collect::run(
            &searcher,
            &statistics,
            &*compiled.query,
            depth,
            request.facets,
            body,
        )?;
        if total < depth
            && let Some(relaxed) = &compiled.relaxed
        {
            let (more, relaxed_total, relaxed_facets) = collect::run(
                &searcher,
                &statistics,
                &**relaxed,
                depth,
                request.facets,
                body,
            )?;
            let strict: HashSet<DocAddress> = candidates.iter().map(|c| c.address).collect();
            candidates.extend(
                more.into_iter()
                    .filter(|c| !strict.contains(&c.address))
                    .take(depth - total),
            );
            (total, facets) = (relaxed_total, relaxed_facets);
        }
        #[cfg(feature = "semantic")]
        let candidates = self.fuse(&searcher, request, &plan, candidates)?;
        results.total = total;
        results.facets = facets;
        let candidates = arrange::answers_first(candidates);
        let candidates = hits::without_repeats(&searcher, &self.fields, candidates)?;
        let mut snippets = SnippetMaker::new(
            crate::text::english_analyzer(),
            hits::term_weights(&searcher, &self.fields, &compiled.highlight),
        );
        if request.group {
            results.groups =
                Some(self.groups(&searcher, candidates, request, &compiled, &mut snippets)?);
        } else {
            let exempt = focus::uncapped(&searcher, &self.fields, &plan)?;
            let page =
                arrange::cap_per_article(candidates, self.options.per_article, FIRST_PAGE, &exempt)
                    .into_iter()
                    .skip(request.offset)
                    .take(request.limit);
            for candidate in page {
                results.hits.push(hits::hit(
                    &searcher,
                    &self.fields,
                    &candidate,
                    request.explain.then_some(&compiled),
                    &mut snippets,
                )?);
            }
        }
        if request.explain {
            results.focus = focus::found(&searcher, &self.fields, &plan)?;
        }
        results.plan = request.explain.then_some(plan);
        Ok(results)
    }

    /// The plan of a request: its text understood with this engine's synonyms and
    /// (when typo correction is on) the index vocabulary.
    fn understand(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        analyzer: &mut Analyzer,
    ) -> QueryPlan {
        let vocabulary = self.vocabulary(searcher);
        let context = Context {
            synonyms: &self.options.synonyms,
            vocabulary: self.options.fuzzy.then_some(&vocabulary as _),
        };
        understand(&request.query, &request.filters, &context, analyzer)
    }

    /// The index vocabulary of one searcher.
    fn vocabulary<'a>(&self, searcher: &'a Searcher) -> IndexVocabulary<'a> {
        let f = &self.fields;
        IndexVocabulary {
            searcher,
            field: f.spell,
            stemmed: vec![f.title, f.heading, f.body, f.parents],
        }
    }

    /// The plan of a request with every question its understanding asked the
    /// index vocabulary, and the answers: what another planner (the static
    /// bundle's) must reproduce from the same answers alone.
    pub fn traced_plan(&self, request: &SearchRequest) -> TracedPlan {
        let searcher = self.reader.searcher();
        let mut analyzer = self.borrow_analyzer();
        let vocabulary = self.vocabulary(&searcher);
        let recording = RecordingVocabulary::new(&vocabulary);
        let context = Context {
            synonyms: &self.options.synonyms,
            vocabulary: self.options.fuzzy.then_some(&recording as _),
        };
        let plan = understand(&request.query, &request.filters, &context, &mut analyzer);
        self.return_analyzer(analyzer);
        TracedPlan {
            plan,
            vocabulary: self.options.fuzzy.then(|| recording.into_trace()),
        }
    }

    /// How `text` is understood, without searching (for `--explain` and tests).
    pub fn plan(&self, request: &SearchRequest) -> QueryPlan {
        let searcher = self.reader.searcher();
        let mut analyzer = self.borrow_analyzer();
        let plan = self.understand(&searcher, request, &mut analyzer);
        self.return_analyzer(analyzer);
        plan
    }

    fn borrow_analyzer(&self) -> Analyzer {
        self.analyzers
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_default()
    }

    fn return_analyzer(&self, analyzer: Analyzer) {
        if let Ok(mut pool) = self.analyzers.lock() {
            pool.push(analyzer);
        }
    }

    /// How many ranked sections to read to arrange the requested page.
    fn candidate_depth(&self, request: &SearchRequest, wanted: usize) -> usize {
        let spread = request.group || self.options.per_article > 0;
        let depth = if request.group {
            wanted * SECTIONS_PER_GROUP * 4 + 40
        } else if spread {
            wanted * 4 + 40
        } else {
            wanted
        };
        #[cfg(feature = "semantic")]
        let depth = self.hybrid_depth(request, depth);
        depth.clamp(1, MAX_ARRANGED_SECTIONS.max(wanted))
    }

    fn groups(
        &self,
        searcher: &Searcher,
        candidates: Vec<Candidate>,
        request: &SearchRequest,
        plan: &Compiled,
        snippets: &mut SnippetMaker,
    ) -> Result<Vec<Group>> {
        let grouped = arrange::group_by_article(candidates, SECTIONS_PER_GROUP);
        let mut groups = Vec::new();
        for sections in grouped.iter().skip(request.offset).take(request.limit) {
            let mut hits = Vec::new();
            for candidate in sections {
                hits.push(hits::hit(
                    searcher,
                    &self.fields,
                    candidate,
                    request.explain.then_some(plan),
                    snippets,
                )?);
            }
            let first = &hits[0];
            groups.push(Group {
                path: first.path.clone(),
                title: first.title.clone(),
                url: first.url.split('#').next().unwrap_or_default().to_string(),
                score: first.score,
                hits,
            });
        }
        Ok(groups)
    }
}
