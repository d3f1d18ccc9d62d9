//! The bundle's code: the ES modules of `src/bundle/js/` (compiled into healthdex,
//! so a bundle always carries the code of the binary that wrote its data) under
//! `code/HASH/`, named by a hash of all of them, without their comments and
//! indentation ([`compact`]: a reader downloads the code on every first visit); the search UI (`src/ui/`, the one
//! `serve` shows) under `code/`, content-named; and the two entry modules with
//! fixed names that point at that code and at the current metadata.

use std::collections::BTreeMap;

use super::encode::content_hash;

/// The two files whose names never change (`open()` and the UI): every other name
/// carries a hash of its content.
pub const ENTRY_MODULES: [&str; 2] = ["healthdex.js", "healthdex-ui.js"];

/// Every module of the browser search, by its path under `code/HASH/`.
const CODE: &[(&str, &str)] = &[
    ("search.js", include_str!("js/search.js")),
    ("data.js", include_str!("js/data.js")),
    ("score.js", include_str!("js/score.js")),
    ("snippet.js", include_str!("js/snippet.js")),
    ("understand.js", include_str!("js/understand.js")),
    ("plan/analyzer.js", include_str!("js/plan/analyzer.js")),
    ("plan/keys.js", include_str!("js/plan/keys.js")),
    ("plan/parse.js", include_str!("js/plan/parse.js")),
    ("plan/porter2.js", include_str!("js/plan/porter2.js")),
    ("plan/synonyms.js", include_str!("js/plan/synonyms.js")),
];

/// Adds the code and the entry modules; `meta` is the metadata file's path.
pub fn add_code(files: &mut BTreeMap<String, Vec<u8>>, meta: &str) {
    let folder = format!("code/{}", code_hash());
    for (name, text) in CODE {
        let shipped =
            compact(text).map_or_else(|| text.to_string(), |code| shipped_module(name, &code));
        files.insert(format!("{folder}/{name}"), shipped.into_bytes());
    }
    files.insert(
        ENTRY_MODULES[0].into(),
        entry_module(&folder, meta).into_bytes(),
    );
    let mut ui_module = String::new();
    for asset in crate::ui::widget() {
        if asset.file == "ui.js" {
            ui_module = asset.name.clone();
        }
        files.insert(format!("code/{}", asset.name), asset.body.into_bytes());
    }
    files.insert(
        ENTRY_MODULES[1].into(),
        ui_entry_module(&ui_module).into_bytes(),
    );
}

/// A compacted module, with one line saying where its commented source is.
fn shipped_module(name: &str, code: &str) -> String {
    format!("// healthdex: src/bundle/js/{name} without comments\n{code}")
}

/// `module` without its whole-line comments (`//` lines, and `/* … */` blocks
/// that start a line and end one), blank lines and indentation: the shipped code
/// was a third comments. Works line by line, so it relies on what our modules
/// hold: no template literal or string spanning lines, and no code on a line
/// after a block comment ends. Where a module breaks that (a block comment
/// ending mid-line), it answers `None` and the module ships as written.
fn compact(module: &str) -> Option<String> {
    let mut out = String::with_capacity(module.len() / 2);
    let mut in_block = false;
    for line in module.lines() {
        let line = line.trim();
        if in_block {
            match line.find("*/") {
                Some(end) if end + 2 == line.len() => in_block = false,
                Some(_) => return None,
                None => {}
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) if end + 2 == rest.len() => {}
                Some(_) => return None,
                None => in_block = true,
            }
            continue;
        }
        if line.contains('`') && line.matches('`').count() % 2 == 1 {
            return None;
        }
        out.push_str(line);
        out.push('\n');
    }
    (!in_block).then_some(out)
}

/// A hash over every module's path and text.
fn code_hash() -> String {
    let mut all = Vec::new();
    for (name, text) in CODE {
        all.extend_from_slice(name.as_bytes());
        all.push(0);
        all.extend_from_slice(text.as_bytes());
        all.push(0);
    }
    content_hash(&all)
}

/// `healthdex-ui.js`: the search UI mounted on `#healthdex`, searching this bundle.
fn ui_entry_module(ui: &str) -> String {
    format!(
        "// healthdex static search UI, written by `healthdex bundle`. A page needs\n\
         //   <div id=\"healthdex\"></div>\n\
         //   <script type=\"module\" src=\"PATH/healthdex-ui.js\"></script>\n\
         // The UI is the one `healthdex serve` shows, searching this folder instead.\n\
         import {{ open }} from \"./healthdex.js\";\n\
         import {{ mount }} from \"./code/{ui}\";\n\
         \n\
         // The box is drawn at once; the bundle opens meanwhile and answers\n\
         // the first search when it is ready.\n\
         const element = document.getElementById(\"healthdex\");\n\
         if (element) {{\n\
         \x20 const opening = open();\n\
         \x20 opening.catch(() => {{}});\n\
         \x20 const source = {{\n\
         \x20   search: (query, options) => opening.then((hx) => hx.search(query, options)),\n\
         \x20   tags: (limit) => opening.then((hx) => hx.tags(limit)),\n\
         \x20   suggest: (typed, limit) => opening.then((hx) => hx.suggest(typed, limit)),\n\
         \x20 }};\n\
         \x20 mount(element, source, {{ history: true }});\n\
         }}\n"
    )
}

/// `healthdex.js`: `open()` for this bundle's metadata and code.
fn entry_module(folder: &str, meta: &str) -> String {
    format!(
        "// healthdex static search, written by `healthdex bundle`. This module and\n\
         // healthdex-ui.js are the only files whose names do not change between builds;\n\
         // everything else is named by its content and can be cached forever.\n\
         import {{ openBundle }} from \"./{folder}/search.js\";\n\
         \n\
         /** The bundle's metadata file, relative to this module. */\n\
         export const META = \"{meta}\";\n\
         \n\
         /** Opens the bundle at `base` (default: the folder this module was loaded from). */\n\
         export function open(base = new URL(\"./\", import.meta.url)) {{\n\
         \x20 return openBundle(base, META);\n\
         }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_drops_comments_and_indentation_and_keeps_code() {
        let module = "// what it owns\n\n/** A doc\n * comment. */\nexport function f(a) {\n  /* one line */\n  return a + \"//\" + /\\/\\*/.source; // kept: not a whole line\n}\n";
        assert_eq!(
            compact(module).unwrap(),
            "export function f(a) {\nreturn a + \"//\" + /\\/\\*/.source; // kept: not a whole line\n}\n"
        );
    }

    #[test]
    fn what_it_cannot_compact_line_by_line_ships_as_written() {
        for module in [
            "/* a */ code();\n",
            "/* a\n */ code();\n",
            "const t = `a\n  b`;\n",
            "/* open\n",
        ] {
            assert_eq!(compact(module), None, "{module:?}");
        }
    }

    #[test]
    fn every_module_compacts() {
        for (name, text) in CODE {
            let code = compact(text).unwrap_or_else(|| panic!("{name} ships uncompacted"));
            assert!(code.len() < text.len(), "{name}");
        }
    }
}
