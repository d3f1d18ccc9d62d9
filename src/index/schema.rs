//! The index schema, in one place. One tantivy document is one section of an
//! article; article-level values (title, URL, tags, authors, date) are repeated on
//! each of its sections so a hit is complete without a second lookup.
//!
//! | field        | type                       | analyzer      | stored | purpose                                   |
//! |--------------|----------------------------|---------------|--------|-------------------------------------------|
//! | `path`       | string                     | raw           | yes    | article id (path relative to the root)    |
//! | `article`    | u64, fast                  | —             | no     | 64-bit hash of `path`: groups sections per article cheaply |
//! | `url`        | string                     | —             | yes    | article URL without anchor                |
//! | `anchor`     | string                     | —             | yes    | section anchor (empty for the intro)      |
//! | `ordinal`    | u64, fast                  | —             | yes    | position of the section in the article    |
//! | `title`      | text, positions            | `healthdex_en`| yes    | article title                             |
//! | `heading`    | text, positions            | `healthdex_en`| yes    | the section's own heading                 |
//! | `parents`    | text, freqs                | `healthdex_en`| yes    | enclosing headings (between title and own heading) |
//! | `body`       | text, positions            | `healthdex_en`| yes    | section text, snippets come from here     |
//! | `references` | text, freqs                | `healthdex_en`| yes    | citations listed or defined in the section |
//! | `tags`       | facet                      | —             | yes    | `/tag` per front matter tag               |
//! | `authors`    | text, freqs                | `healthdex_names` | yes | article authors                          |
//! | `date`       | date, indexed, fast        | —             | yes    | `date`, else `updated`, at day precision  |
//! | `updated`    | string, not indexed        | —             | yes    | front matter `updated`, `YYYY-MM-DD` (shown, not searched) |
//! | `description`| string, not indexed        | —             | yes    | front matter `description` (shown, not searched) |
//! | `reviewers`  | string, not indexed        | —             | yes    | who reviewed the article, each as written (shown) |
//! | `reviewed`   | string, not indexed        | —             | yes    | when it was last reviewed, `YYYY-MM-DD` (shown) |
//! | `spell`      | text, doc ids only         | `healthdex_names` | no | title, heading and body words, unstemmed: the vocabulary for typo correction |
//! | `suggest`    | text, doc ids only         | `healthdex_names` | no | title and heading words, unstemmed: completions as readers type |
//! | `names`      | text, doc ids only         | raw           | no     | the article's names as whole keys (stems joined by spaces): a query's focus |
//!
//! The breadcrumbs of a hit are rebuilt as title, `parents`, heading, so the title
//! and heading are not indexed twice.
//!
//! The analyzers are [`crate::text`]'s: `healthdex_en` for prose, `healthdex_names`
//! for names and vocabularies. Analyzers are not stored in the index, so [`register_analyzers`] runs
//! after every create and open. An index whose schema differs from
//! [`Fields::build`] is rebuilt; [`SCHEMA_VERSION`] is bumped when what goes into
//! the fields changes without the schema changing.

use tantivy::Index;

use tantivy::schema::{
    DateOptions, FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::text::{english_analyzer, names_analyzer};

/// Version of the schema and of what goes into each field (2: the commit payload
/// records the corpus root, a digest of its files and the stemmer; 3: each section
/// stores the sources it cites and is faceted by their evidence types, and tags are
/// indexed lower-cased; 4: sections store the article's `updated`, `description`,
/// reviewers and review date, for hits to show; 5: Markdown without headings gets
/// inferred structure and page boilerplate is left out of every article; 6: a
/// name's "D" or "T" standing alone is part of its key, "vitamin d" not "vitamin").
pub const SCHEMA_VERSION: u32 = 6;
/// The seconds either side of 1970 that the `date` field can hold: tantivy keeps
/// dates as i64 nanoseconds (1677-09-21 to 2262-04-11).
pub const DATE_LIMIT_SECONDS: i64 = i64::MAX / 1_000_000_000 - 1;
/// Analyzer for prose fields.
pub const ENGLISH: &str = "healthdex_en";
/// Analyzer for names: lower-cased and folded, not stemmed.
pub const NAMES: &str = "healthdex_names";

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    pub path: Field,
    pub article: Field,
    pub url: Field,
    pub anchor: Field,
    pub ordinal: Field,
    pub title: Field,
    pub heading: Field,
    pub parents: Field,
    pub body: Field,
    pub references: Field,
    pub tags: Field,
    /// The evidence types of the sources a section cites, as facets (`/rct`).
    pub evidence: Field,
    /// The sources a section cites, as the JSON of `Vec<search::Source>` (stored only).
    pub sources: Field,
    pub authors: Field,
    pub date: Field,
    pub updated: Field,
    pub description: Field,
    pub reviewers: Field,
    pub reviewed: Field,
    pub spell: Field,
    pub suggest: Field,
    /// The article's names ([`crate::article::names`]) as whole-name keys
    /// ([`crate::text::Analyzer::name_key`]): what a query's focus is looked up in.
    pub names: Field,
}

impl Fields {
    /// Builds the schema.
    pub fn build() -> Fields {
        let mut builder = Schema::builder();
        let prose = |record: IndexRecordOption| text_options(ENGLISH, record);
        let path = builder.add_text_field("path", STRING | STORED);
        let article = builder.add_u64_field("article", FAST);
        let url = builder.add_text_field("url", STORED);
        let anchor = builder.add_text_field("anchor", STORED);
        let ordinal = builder.add_u64_field("ordinal", STORED | FAST);
        let title = builder.add_text_field(
            "title",
            prose(IndexRecordOption::WithFreqsAndPositions).set_stored(),
        );
        let heading = builder.add_text_field(
            "heading",
            prose(IndexRecordOption::WithFreqsAndPositions).set_stored(),
        );
        let parents =
            builder.add_text_field("parents", prose(IndexRecordOption::WithFreqs).set_stored());
        let body = builder.add_text_field(
            "body",
            prose(IndexRecordOption::WithFreqsAndPositions).set_stored(),
        );
        let references = builder.add_text_field(
            "references",
            prose(IndexRecordOption::WithFreqs).set_stored(),
        );
        let tags = builder.add_facet_field("tags", FacetOptions::default().set_stored());
        let evidence = builder.add_facet_field("evidence", FacetOptions::default());
        let sources = builder.add_text_field("sources", STORED);
        let authors = builder.add_text_field(
            "authors",
            text_options(NAMES, IndexRecordOption::WithFreqs).set_stored(),
        );
        let date =
            builder.add_date_field("date", DateOptions::from(INDEXED).set_stored().set_fast());
        let updated = builder.add_text_field("updated", STORED);
        let description = builder.add_text_field("description", STORED);
        let reviewers = builder.add_text_field("reviewers", STORED);
        let reviewed = builder.add_text_field("reviewed", STORED);
        let spell = builder.add_text_field("spell", vocabulary_options());
        let suggest = builder.add_text_field("suggest", vocabulary_options());
        let names = builder.add_text_field("names", key_options());
        Fields {
            schema: builder.build(),
            path,
            article,
            url,
            anchor,
            ordinal,
            title,
            heading,
            parents,
            body,
            references,
            tags,
            evidence,
            sources,
            authors,
            date,
            updated,
            description,
            reviewers,
            reviewed,
            spell,
            suggest,
            names,
        }
    }

    /// Looks the fields up in an opened index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let field = |name: &str| schema.get_field(name);
        Ok(Fields {
            schema: schema.clone(),
            path: field("path")?,
            article: field("article")?,
            url: field("url")?,
            anchor: field("anchor")?,
            ordinal: field("ordinal")?,
            title: field("title")?,
            heading: field("heading")?,
            parents: field("parents")?,
            body: field("body")?,
            references: field("references")?,
            tags: field("tags")?,
            evidence: field("evidence")?,
            sources: field("sources")?,
            authors: field("authors")?,
            date: field("date")?,
            updated: field("updated")?,
            description: field("description")?,
            reviewers: field("reviewers")?,
            reviewed: field("reviewed")?,
            spell: field("spell")?,
            suggest: field("suggest")?,
            names: field("names")?,
        })
    }
}

/// Unstemmed words without frequencies or norms: only which documents hold them.
/// A field of whole keys, one token each, doc ids only.
fn key_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

fn vocabulary_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NAMES)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

fn text_options(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// The `article` key of a path: the first 8 bytes of its BLAKE3 hash.
pub fn article_key(path: &str) -> u64 {
    let hash = blake3::hash(path.as_bytes());
    u64::from_le_bytes(
        hash.as_bytes()[..8]
            .try_into()
            .expect("a BLAKE3 hash has 32 bytes"),
    )
}

/// Registers healthdex's analyzers on an index (needed after every create and open).
pub fn register_analyzers(index: &Index) {
    index.tokenizers().register(ENGLISH, english_analyzer());
    index.tokenizers().register(NAMES, names_analyzer());
}
