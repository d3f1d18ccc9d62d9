//! `healthdex.toml`: search settings a site can tune without code. Every key is
//! optional; an unknown key is an error (naming the file and line) rather than
//! being silently ignored.
//!
//! ```toml
//! [weights]            # relative weight of each field in ranking
//! title = 2.2
//! heading = 2.0
//! body = 1.0
//! parents = 0.5        # headings that enclose the section
//! references = 0.2     # the section's citations
//!
//! [search]
//! per_article = 3      # most sections of one article before others get a turn (0: no limit)
//! fuzzy = true         # correct words that are not in the index
//!
//! [synonyms]
//! builtin = true       # the built-in consumer ↔ professional list
//! files = ["synonyms.txt"]                           # lists: `a | b | c` or `a => b` per line
//! mesh = ["../shared/data/mesh/mesh-entry-terms-2019.tsv"]   # MeSH-style TSV
//!
//! [input]
//! boilerplate = ["^Join the Bramblewood club"]   # page chrome to leave out, beside the built-in list
//!
//! [semantic]           # hybrid ranking (builds with `--features semantic`)
//! model = "models/all-MiniLM-L6-v2"   # the model folder (HEALTHDEX_MODEL_DIR overrides it)
//! fusion = "rrf"       # or "linear"
//! rrf_k = 60.0         # RRF's damping constant
//! lexical_weight = 0.5 # linear: weight of the normalised lexical score
//! ```
//!
//! Relative paths are relative to the folder of the configuration file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::search::{FieldWeights, Mode, SearchOptions, Synonyms};
use crate::{Error, Result};

/// File looked for in the working directory when no `--config` is given.
pub const DEFAULT_CONFIG: &str = "healthdex.toml";

/// The contents of `healthdex.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[weights]`: relative weights of the fields.
    pub weights: FieldWeights,
    /// `[search]`: per-article cap and typo correction.
    pub search: SearchSection,
    /// `[synonyms]`: which synonym lists to use.
    pub synonyms: SynonymSection,
    /// `[input]`: how article files are read.
    pub input: InputSection,
    /// `[semantic]`: the model and fusion of hybrid ranking (read by builds with
    /// the `semantic` feature; accepted and unused by others).
    pub semantic: SemanticSection,
}

/// The `[semantic]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SemanticSection {
    /// The sentence-embedding model folder.
    pub model: Option<PathBuf>,
    /// `rrf` (reciprocal rank fusion) or `linear` (interpolated scores).
    pub fusion: String,
    /// RRF's damping constant.
    pub rrf_k: f32,
    /// Linear fusion: weight of the normalised lexical score (0 to 1).
    pub lexical_weight: f32,
}

impl Default for SemanticSection {
    fn default() -> Self {
        SemanticSection {
            model: None,
            fusion: "rrf".to_string(),
            rrf_k: 60.0,
            lexical_weight: 0.5,
        }
    }
}

/// The `[input]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputSection {
    /// Regular expressions for page boilerplate to leave out of articles, beside
    /// the built-in ones ([`crate::article::boilerplate::BUILTIN_PATTERNS`]).
    pub boilerplate: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
/// The `[search]` table.
pub struct SearchSection {
    /// Most sections of one article on the first page (0: no limit).
    pub per_article: usize,
    /// Correct words that are not in the index.
    pub fuzzy: bool,
}

impl Default for SearchSection {
    fn default() -> Self {
        SearchSection {
            per_article: 3,
            fuzzy: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
/// The `[synonyms]` table.
pub struct SynonymSection {
    /// Use the built-in consumer ↔ professional list.
    pub builtin: bool,
    /// Synonym lists in healthdex's line format.
    pub files: Vec<PathBuf>,
    /// MeSH-style TSV files (`id<TAB>name<TAB>term|term`).
    pub mesh: Vec<PathBuf>,
}

impl Default for SynonymSection {
    fn default() -> Self {
        SynonymSection {
            builtin: true,
            files: Vec::new(),
            mesh: Vec::new(),
        }
    }
}

/// A loaded configuration and the folder its relative paths start from.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The settings read.
    pub config: Config,
    /// The folder relative paths in the file are resolved against.
    pub base: PathBuf,
}

/// Reads `explicit`, else `healthdex.toml` in the working directory if there is one,
/// else the defaults.
pub fn load(explicit: Option<&Path>) -> Result<Loaded> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None if Path::new(DEFAULT_CONFIG).is_file() => PathBuf::from(DEFAULT_CONFIG),
        None => return Ok(Loaded::default()),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let config = parse(&text).map_err(|message| Error::Config {
        path: path.clone(),
        message,
    })?;
    crate::article::Boilerplate::with_extra(&config.input.boilerplate).map_err(|message| {
        Error::Config {
            path: path.clone(),
            message: format!("[input] boilerplate: {message}"),
        }
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Loaded { config, base })
}

/// Parses configuration text; the error names the line and the problem.
pub fn parse(text: &str) -> std::result::Result<Config, String> {
    toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        match line {
            Some(line) => format!("line {line}: {}", err.message()),
            None => err.message().to_string(),
        }
    })
}

impl Loaded {
    /// Search options with every synonym file loaded.
    pub fn search_options(&self) -> Result<SearchOptions> {
        let config = &self.config;
        let mut synonyms = if config.synonyms.builtin {
            Synonyms::builtin()
        } else {
            Synonyms::default()
        };
        for file in &config.synonyms.files {
            synonyms.merge(self.read_synonyms(file, Synonyms::from_list)?);
        }
        for file in &config.synonyms.mesh {
            synonyms.merge(self.read_synonyms(file, Synonyms::from_mesh_tsv)?);
        }
        Ok(SearchOptions {
            weights: config.weights,
            synonyms: Arc::new(synonyms),
            fuzzy: config.search.fuzzy,
            per_article: config.search.per_article,
            mode: Mode::Full,
        })
    }

    /// The model folder: `HEALTHDEX_MODEL_DIR` if set, else `[semantic] model`.
    pub fn model_dir(&self) -> Option<PathBuf> {
        std::env::var_os("HEALTHDEX_MODEL_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                self.config
                    .semantic
                    .model
                    .as_ref()
                    .map(|m| self.base.join(m))
            })
    }

    /// The fusion `[semantic]` asks for.
    #[cfg(feature = "semantic")]
    pub fn fusion(&self) -> Result<crate::semantic::Fusion> {
        use crate::semantic::Fusion;
        let section = &self.config.semantic;
        let invalid = |message: String| Error::Config {
            path: self.base.join(DEFAULT_CONFIG),
            message: format!("[semantic] {message}"),
        };
        match section.fusion.as_str() {
            "rrf" if section.rrf_k > 0.0 => Ok(Fusion::Rrf { k: section.rrf_k }),
            "rrf" => Err(invalid(format!(
                "rrf_k must be above 0, not {}",
                section.rrf_k
            ))),
            "linear" if (0.0..=1.0).contains(&section.lexical_weight) => Ok(Fusion::Linear {
                lexical_weight: section.lexical_weight,
            }),
            "linear" => Err(invalid(format!(
                "lexical_weight must be 0 to 1, not {}",
                section.lexical_weight
            ))),
            other => Err(invalid(format!(
                "fusion must be \"rrf\" or \"linear\", not \"{other}\""
            ))),
        }
    }

    fn read_synonyms(
        &self,
        file: &Path,
        parse: fn(&str) -> std::result::Result<Synonyms, crate::search::understand::SynonymError>,
    ) -> Result<Synonyms> {
        let path = self.base.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        parse(&text).map_err(|e| Error::Config {
            path,
            message: format!("{e}; fix the synonym file or remove it from the configuration"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_optional() {
        assert_eq!(parse("").unwrap(), Config::default());
        let config = parse("[weights]\ntitle = 4.0\n[search]\nper_article = 0\n").unwrap();
        assert_eq!(config.weights.title, 4.0);
        assert_eq!(config.weights.body, 1.0);
        assert_eq!(config.search.per_article, 0);
        assert!(config.search.fuzzy);
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let err = parse("[weights]\ntitle = 1.0\ntitel = 2.0\n").unwrap_err();
        assert!(err.starts_with("line 3"), "{err}");
        assert!(err.contains("titel"), "{err}");
    }
}
