//! The names an article goes by: its title, the parts of a title that name the
//! topic on their own ("Eczema (Atopic Dermatitis): Causes, Care and Treatment"
//! names eczema and atopic dermatitis), and the aliases its front matter lists
//! (`aliases`, `also_called`, `synonyms`; MedQuAD's files carry `synonyms`). The
//! search detects which of these a query contains, to find the article the
//! reader asks about (see `search::understand` and `Analyzer::name_key`).

use serde_json::Value;

use super::Article;

/// Front-matter keys whose strings (or lists of strings) are other names of the
/// article's topic.
pub const ALIAS_KEYS: [&str; 3] = ["aliases", "also_called", "synonyms"];
/// Names kept per article; the rest are ignored.
pub const MAX_NAMES: usize = 32;

/// The article's names, as written, each once, the title first.
pub fn names(article: &Article) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        let name = name
            .trim()
            .trim_matches(|c: char| "\"'“”‘’.,;".contains(c))
            .trim();
        if !name.is_empty()
            && names.len() < MAX_NAMES
            && !names.iter().any(|n| n.eq_ignore_ascii_case(name))
        {
            names.push(name.to_string());
        }
    };
    title_names(&article.title).iter().for_each(|n| add(n));
    for key in ALIAS_KEYS {
        match article.meta.extra.get(key) {
            Some(Value::String(alias)) => add(alias),
            Some(Value::Array(aliases)) => {
                aliases.iter().filter_map(Value::as_str).for_each(&mut add)
            }
            _ => {}
        }
    }
    names
}

/// The title and its parts: each part between colons and spaced dashes (a
/// dash inside a word, "Gut–Skin", is no separator)
/// ("Parasites - Scabies", "Rosacea: Symptoms …"), and a part's name without its
/// brackets ("Eczema") and within them ("Atopic Dermatitis").
fn title_names(title: &str) -> Vec<String> {
    let mut names = vec![title.to_string()];
    let parts = title
        .split(':')
        .flat_map(|part| part.split(" - "))
        .flat_map(|part| part.split(" – "))
        .flat_map(|part| part.split(" — "))
        .map(str::trim)
        .filter(|part| !part.is_empty());
    for part in parts {
        names.push(part.to_string());
        if let (Some(open), Some(close)) = (part.find('('), part.rfind(')'))
            && open < close
        {
            names.push(format!("{} {}", &part[..open], &part[close + 1..]));
            names.push(part[open + 1..close].to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_names_its_topic_before_the_colon_and_in_brackets() {
        assert_eq!(
            title_names("Eczema (Atopic Dermatitis): Causes, Care and Treatment"),
            [
                "Eczema (Atopic Dermatitis): Causes, Care and Treatment",
                "Eczema (Atopic Dermatitis)",
                "Eczema  ",
                "Atopic Dermatitis",
                "Causes, Care and Treatment",
            ]
        );
        assert_eq!(
            title_names("Parasites - Scabies"),
            ["Parasites - Scabies", "Parasites", "Scabies"]
        );
        assert_eq!(
            title_names("Type 2 diabetes"),
            ["Type 2 diabetes", "Type 2 diabetes"]
        );
        assert_eq!(
            title_names("Odd ) title ("),
            ["Odd ) title (", "Odd ) title ("]
        );
    }

    #[test]
    fn aliases_come_from_the_front_matter_once_each() {
        let text = "---\ntitle: \"Salcedo syndrome\"\nsynonyms: [\"Nail patella like renal disease\", \"salcedo syndrome\"]\naliases: Salcedo\nalso_called: [3]\n---\n\n# Salcedo syndrome\n\nText.\n";
        let parsed = crate::article::parse_article(
            "salcedo.md",
            text,
            &crate::article::ParseOptions::default(),
        );
        assert_eq!(
            names(&parsed.article),
            [
                "Salcedo syndrome",
                "Salcedo",
                "Nail patella like renal disease"
            ]
        );
    }
}
