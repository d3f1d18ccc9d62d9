//! Step 6: the kind of evidence an entry reports, read from its title and journal.
//!
//! A reader weighing a claim wants to know whether its source is a trial, a review
//! of trials, a guideline or a study in mice. Entries rarely say so in a field of
//! their own, but titles usually name their design ("…: a randomised,
//! double-blind, placebo-controlled trial", "…: systematic review and
//! meta-analysis", "… in mice") and some journals publish one kind only
//! (*Cochrane Database Syst Rev*, *Nat Rev …*). [`classify`] reads those words and
//! nothing else; when they are missing it answers [`Evidence::Unknown`] rather than
//! guess from the topic, the authors or the journal's prestige.
//!
//! The rules, in the order they are tried:
//!
//! 1. A Cochrane journal, or a journal of systematic reviews, is a systematic review.
//! 2. The title is read in three pieces, each tried in turn: its subtitle (after the
//!    last `:` or dash, where titles usually name their design), its head (before
//!    the first `:`, as in "ACG clinical guideline: …"), then the whole title;
//!    after the title, the journal. In each piece the design words are looked for
//!    in this order, and the first kind found wins:
//!    - **systematic review**: systematic review, meta-analysis, meta-regression,
//!      pooled analysis of individual data, umbrella review (a *scoping* review
//!      maps a literature without appraising it, so it falls to narrative review);
//!    - **guideline**: guideline, consensus (statement, report, conference…), a
//!      position, scientific or recommendation statement, recommendations, practice
//!      parameter, standards of care, science advisory, the report of a task force,
//!      committee, expert panel or working group;
//!    - **animal or lab**: mice, mouse, murine, rats, rodents, hamsters, zebrafish,
//!      *Drosophila*, *C. elegans*, non-human primates, macaques, in vitro, ex vivo,
//!      cell lines, cultured cells, organoids, Caco-2, germ-free, gnotobiotic,
//!      knockout, animal models, xenografts;
//!    - **RCT**: randomised/randomized (but not "Mendelian randomisation" or
//!      "non-randomised"), placebo-controlled, double- or triple-blind, controlled
//!      trial, crossover trial;
//!    - **observational**: cohort, case–control, cross-sectional, prospective or
//!      retrospective study, observational, population-based, nationwide, registry,
//!      longitudinal, follow-up study, association study, survey, prevalence,
//!      epidemiological study;
//!    - **case report**: case report, case series, "a case of", first or index case,
//!      "report of two cases", "in a 54-year-old", "in a patient with";
//!    - **narrative review**: review (not peer review), "an overview" or "overview
//!      of" (not a web page's "Acne: overview"), state of the art,
//!      current concepts or evidence, recent advances, an update, primer,
//!      introduction to.
//!
//!    Systematic reviews come first because their titles name the designs they
//!    pool ("meta-analysis of prospective cohort studies"); animal work comes before
//!    trials because animal studies are randomised too.
//! 3. Failing that, the journal alone: a case-reports journal is a case report; a
//!    journal of reviews — *Rev*, *Review(s)* after its first word (so not the
//!    Spanish and Portuguese *Revista*), *Curr Opin…*, *Trends…* — is a narrative
//!    review.
//! 4. Otherwise [`Evidence::Unknown`]. Many landmark trials ("Primary prevention of
//!    cardiovascular disease with a Mediterranean diet") and every web page end up
//!    here: the title does not say, so neither does healthdex.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::Reference;
use super::patterns::compile;

/// The kind of study or document a reference reports, as far as its title and
/// journal say. Serialised in kebab-case (`"systematic-review"`, `"animal-or-lab"`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// A systematic review, including meta-analyses.
    SystematicReview,
    /// A randomised controlled trial.
    Rct,
    /// An observational study: cohort, case–control, cross-sectional, survey.
    Observational,
    /// A guideline, consensus statement or similar recommendation.
    Guideline,
    /// A review that is not systematic.
    NarrativeReview,
    /// A case report or case series.
    CaseReport,
    /// A study in animals or in the laboratory (in vitro, cell lines).
    AnimalOrLab,
    /// The title and journal do not say.
    #[default]
    Unknown,
}

impl Evidence {
    /// Every kind, in a fixed order (the order of the enum).
    pub const ALL: [Evidence; 8] = [
        Evidence::SystematicReview,
        Evidence::Rct,
        Evidence::Observational,
        Evidence::Guideline,
        Evidence::NarrativeReview,
        Evidence::CaseReport,
        Evidence::AnimalOrLab,
        Evidence::Unknown,
    ];

    /// The serialised name: `"systematic-review"`, `"rct"`, … `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::SystematicReview => "systematic-review",
            Evidence::Rct => "rct",
            Evidence::Observational => "observational",
            Evidence::Guideline => "guideline",
            Evidence::NarrativeReview => "narrative-review",
            Evidence::CaseReport => "case-report",
            Evidence::AnimalOrLab => "animal-or-lab",
            Evidence::Unknown => "unknown",
        }
    }

    /// The kind named by [`Evidence::as_str`], if `name` is one.
    pub fn from_name(name: &str) -> Option<Evidence> {
        Evidence::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The design words of each kind, tried in this order within a piece of text
/// (lower-cased). See the module documentation for why the order is what it is.
static DESIGN_RULES: LazyLock<Vec<(Evidence, Regex)>> = LazyLock::new(|| {
    [
        (
            Evidence::SystematicReview,
            r"\bsystematic(?:\s+literature)?\s+reviews?\b|\bmeta-?\s?analy[sz][ei]s\b|\bmetaanaly[sz][ei]s\b|\bmeta-?regression|\bpooled analysis of individual|\bindividual (?:participant|patient) data\b.*\bmeta|\bumbrella review|\bsyst(?:ematic)?\.? rev(?:iews?)?\b",
        ),
        (
            Evidence::Guideline,
            r"\bguidelines?\b|\bguidance\b|\bconsensus\b|\b(?:position|scientific|recommendation|policy|joint) statement|\bstatement\b|\brecommendations?\b|\bpractice parameters?\b|\bstandards of (?:medical )?care\b|\b(?:science|scientific) advisory\b|\breport of the\b.*\b(?:task force|committee|panel|working group|commission)\b|\btask force\b|\bexpert panel\b",
        ),
        (
            Evidence::AnimalOrLab,
            r"\b(?:mice|mouse|murine|rats?|rodents?|hamsters?|zebrafish|drosophila|c\. elegans|caenorhabditis|non-?human primates?|macaques?)\b|\bin vitro\b|\bex vivo\b|\bcell lines?\b|\bcultured (?:human )?cells\b|\borganoids?\b|\bcaco-?2\b|\bgerm-?free\b|\bgnotobiotic\b|\bknock-?out\b|\banimal models?\b|\bxenografts?\b",
        ),
        (
            Evidence::Rct,
            r"\brandomi[sz]ed\b|\bplacebo-?\s?controlled\b|\b(?:double|triple)-?\s?blind(?:ed)?\b|\bcontrolled (?:clinical )?trials?\b|\bcross-?over trials?\b",
        ),
        (
            Evidence::Observational,
            r"\bcohorts?\b|\bcase[-–\s]control\b|\bcross-?\s?sectional\b|\b(?:prospective|retrospective)(?:ly)?\s+(?:\w+\s+)?(?:study|studies|studied|analysis|investigation|observational)\b|\bretrospective\b|\bobservational\b|\bpopulation-?\s?based\b|\bnationwide\b|\bregistry\b|\bregister-based\b|\blongitudinal\b|\bfollow-?\s?up study\b|\bassociation study\b|\bsurvey\b|\bprevalence\b|\bepidemiolog(?:y|ical) stud(?:y|ies)\b",
        ),
        (
            Evidence::CaseReport,
            r"\bcase reports?\b|\bcase series\b|\ba case of\b|\b(?:first|index) case\b|\breport of (?:a|an|one|two|three|four|five|six|\d+) (?:cases?|patients?)\b|\b(?:two|three|four|five|six|seven|eight|nine|ten) cases of\b|\bin an? \d+-year-old\b|\bin a patient with\b",
        ),
        (
            Evidence::NarrativeReview,
            r"\breview\b|\ban overview\b|\boverview of\b|\bstate[-\s]of[-\s]the[-\s]art\b|\bcurrent (?:concepts|evidence|perspectives?|understanding|knowledge|status)\b|\brecent (?:advances|developments|progress)\b|\ban update\b|\bupdate on\b|\bprimer\b|\bintroduction to\b",
        ),
    ]
    .into_iter()
    .map(|(kind, pattern)| (kind, compile(pattern)))
    .collect()
});

/// Phrases that look like design words but are not: "peer review", "Mendelian
/// randomisation", "non-randomised", "no consensus".
static NOT_DESIGN: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"\bpeer[-\s]review(?:ed)?\b|\bmendelian randomi[sz]ation\b|\bnon-?randomi[sz]ed\b|\b(?:no|lack of|without|towards?) consensus\b",
    )
});

/// Journals that publish systematic reviews only.
static SYSTEMATIC_JOURNAL: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\bcochrane\b|\bsyst(?:ematic)?\.?\s+rev(?:iews?)?\b|\bjbi evid"));

/// Journals of case reports ("BMJ Case Rep", "Journal of Medical Case Reports").
static CASE_JOURNAL: LazyLock<Regex> = LazyLock::new(|| compile(r"\bcase rep(?:orts?)?\b"));

/// Journals of reviews: "Rev", "Review(s)" after the first word (not the first
/// word, which is the Spanish or Portuguese "Revista"), "Curr Opin", "Trends".
static REVIEW_JOURNAL: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^\S+\s.*\brev(?:iews?)?\b|^curr(?:ent)?\.? opin(?:ion)?\b|^trends\b")
});

/// Reads the kind of evidence of an entry from its title (or its whole text, when
/// no title could be read) and its journal, by the rules in the module docs.
pub fn classify(reference: &Reference) -> Evidence {
    let container = reference.container.as_deref().map(normalise);
    if container
        .as_deref()
        .is_some_and(|c| SYSTEMATIC_JOURNAL.is_match(c))
    {
        return Evidence::SystematicReview;
    }
    let title = normalise(reference.title.as_deref().unwrap_or(&reference.raw));
    let pieces = [subtitle(&title), head(&title), Some(title.as_str())];
    let from_words = pieces
        .into_iter()
        .flatten()
        .chain(container.as_deref())
        .find_map(design_of);
    if let Some(kind) = from_words {
        return kind;
    }
    match container.as_deref() {
        Some(c) if CASE_JOURNAL.is_match(c) => Evidence::CaseReport,
        Some(c) if REVIEW_JOURNAL.is_match(c) => Evidence::NarrativeReview,
        _ => Evidence::Unknown,
    }
}

/// The first kind whose design words occur in `text`, once look-alike phrases are
/// blanked out.
fn design_of(text: &str) -> Option<Evidence> {
    let text = NOT_DESIGN.replace_all(text, " ");
    DESIGN_RULES
        .iter()
        .find(|(_, rule)| rule.is_match(&text))
        .map(|(kind, _)| *kind)
}

/// Lower case, typographic dashes and quotes made plain, whitespace collapsed.
fn normalise(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '‐' | '‑' | '‒' => '-',
            '’' | '‘' => '\'',
            c => c,
        })
        .collect();
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Where a title's subtitle starts: after ": ", or after a spaced dash or an em dash.
fn subtitle_breaks(title: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    [": ", " - ", " – ", " — ", "—"]
        .into_iter()
        .filter_map(move |mark| title.rfind(mark).map(|at| (at, at + mark.len())))
}

/// The text after the last subtitle break, if there is one.
fn subtitle(title: &str) -> Option<&str> {
    subtitle_breaks(title)
        .max_by_key(|(at, _)| *at)
        .map(|(_, after)| &title[after..])
}

/// The text before the first `: `, if there is one.
fn head(title: &str) -> Option<&str> {
    title.find(": ").map(|at| &title[..at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_reference;

    fn entry(title: &str, journal: Option<&str>) -> Reference {
        Reference {
            raw: title.to_string(),
            title: Some(title.to_string()),
            container: journal.map(String::from),
            ..Reference::default()
        }
    }

    #[test]
    fn design_words_in_titles_and_journals() {
        use Evidence::*;
        let cases: &[(&str, Option<&str>, Evidence)] = &[
            (
                "Probiotics for treating eczema",
                Some("Cochrane Database Syst Rev"),
                SystematicReview,
            ),
            (
                "Probiotics in IBS: systematic review and meta-analysis",
                Some("BMJ"),
                SystematicReview,
            ),
            (
                "Gut microbiome and skin disease: a scoping review",
                Some("Exp Dermatol"),
                NarrativeReview,
            ),
            (
                "Meta-analysis of prospective cohort studies of saturated fat",
                None,
                SystematicReview,
            ),
            (
                "Umbrella review of vitamin D",
                Some("BMJ"),
                SystematicReview,
            ),
            ("A review", Some("Systematic Reviews"), SystematicReview),
            (
                "ACG clinical guideline: small intestinal bacterial overgrowth",
                None,
                Guideline,
            ),
            (
                "Preferred reporting items for systematic reviews and meta-analyses: the PRISMA statement",
                None,
                Guideline,
            ),
            (
                "Expert consensus document: the ISAPP consensus statement on probiotics",
                Some("Nat Rev Gastroenterol Hepatol"),
                Guideline,
            ),
            (
                "Screening for colorectal cancer: recommendation statement",
                Some("JAMA"),
                Guideline,
            ),
            (
                "Standards of Care in Diabetes—2024",
                Some("Diabetes Care"),
                Guideline,
            ),
            (
                "Breath testing: the North American consensus",
                None,
                Guideline,
            ),
            ("Lack of consensus on probiotic dosing", None, Unknown),
            (
                "Gut microbiota from twins discordant for obesity modulate metabolism in mice",
                None,
                AnimalOrLab,
            ),
            (
                "A randomized trial of diet in obese mice",
                None,
                AnimalOrLab,
            ),
            (
                "Probiotics inhibit E. coli adherence in vitro",
                None,
                AnimalOrLab,
            ),
            (
                "High-fat diet and the murine gut microbiome",
                None,
                AnimalOrLab,
            ),
            (
                "Probiotics in atopic disease: a randomised placebo-controlled trial",
                Some("Lancet"),
                Rct,
            ),
            (
                "A randomized, double-blind, placebo-controlled trial of peppermint oil",
                None,
                Rct,
            ),
            (
                "Weight management for remission of diabetes (DiRECT): an open-label, cluster-randomised trial",
                None,
                Rct,
            ),
            (
                "'Mendelian randomization': can genetic epidemiology help?",
                None,
                Unknown,
            ),
            ("A non-randomised comparison of two diets", None, Unknown),
            (
                "Fats and mortality in 18 countries (PURE): a prospective cohort study",
                None,
                Observational,
            ),
            (
                "Risk factors for stroke (INTERSTROKE): a case-control study",
                None,
                Observational,
            ),
            (
                "A population-based study of MMR vaccination and autism",
                None,
                Observational,
            ),
            (
                "Global prevalence of IBS: a meta-analysis",
                None,
                SystematicReview,
            ),
            (
                "Sickle-shaped red corpuscles in a case of severe anemia",
                None,
                CaseReport,
            ),
            (
                "First case of 2019 novel coronavirus in the United States",
                None,
                CaseReport,
            ),
            (
                "Weight gain after faecal transplant",
                Some("Open Forum Infect Dis"),
                Unknown,
            ),
            (
                "Stroke after chiropractic",
                Some("BMJ Case Rep"),
                CaseReport,
            ),
            (
                "Leaky gut: a review of mechanisms",
                Some("Gut"),
                NarrativeReview,
            ),
            (
                "Mind-altering microorganisms",
                Some("Nat Rev Neurosci"),
                NarrativeReview,
            ),
            (
                "Zonulin and barrier function",
                Some("Physiological Reviews"),
                NarrativeReview,
            ),
            (
                "Health benefits of fermented foods",
                Some("Curr Opin Biotechnol"),
                NarrativeReview,
            ),
            ("Efectos de la dieta", Some("Rev Esp Enferm Dig"), Unknown),
            ("Peer-reviewed evidence on diet and acne", None, Unknown),
            (
                "Probiotics: an overview of the evidence",
                None,
                NarrativeReview,
            ),
            ("Acne: overview", None, Unknown),
            ("Irritable bowel syndrome", Some("N Engl J Med"), Unknown),
        ];
        let mut failures = Vec::new();
        for (title, journal, want) in cases {
            let got = classify(&entry(title, *journal));
            if got != *want {
                failures.push(format!("{title:?} in {journal:?}: want {want}, got {got}"));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn the_subtitle_decides_before_the_whole_title() {
        // A systematic review of guidelines, and a guideline built on reviews.
        let review = entry("Guidelines for acne: a systematic review", None);
        assert_eq!(classify(&review), Evidence::SystematicReview);
        let guideline = entry(
            "Systematic reviews of fibre: a clinical practice guideline",
            None,
        );
        assert_eq!(classify(&guideline), Evidence::Guideline);
    }

    #[test]
    fn parsed_entries_are_classified_and_serialised_in_kebab_case() {
        let r = parse_reference(
            "Goldenberg JZ, Yap C, Lytvyn L, et al. Probiotics for the prevention of Clostridium difficile-associated diarrhea in adults and children. Cochrane Database Syst Rev. 2017;12:CD006095.",
        );
        assert_eq!(r.evidence, Evidence::SystematicReview);
        let json = serde_json::to_string(&r.evidence).unwrap();
        assert_eq!(json, "\"systematic-review\"");
        for kind in Evidence::ALL {
            let name = serde_json::to_value(kind).unwrap();
            assert_eq!(name.as_str(), Some(kind.as_str()));
            assert_eq!(Evidence::from_name(kind.as_str()), Some(kind));
        }
        let web = parse_reference("NHS. Acne. https://www.nhs.uk/");
        assert_eq!(web.evidence, Evidence::Unknown);
    }
}
