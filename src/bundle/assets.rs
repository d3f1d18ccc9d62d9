//! The bundle's code: the ES modules of `src/bundle/js/` (compiled into healthdex,
//! so a bundle always carries the code of the binary that wrote its data) under
//! `code/HASH/`, named by a hash of all of them; the search UI (`src/ui/`, the one
//! `serve` shows) under `code/`, content-named; and the two entry modules with
//! fixed names that point at that code and at the current metadata.

use std::collections::BTreeMap;

use super::encode::content_hash;

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
        files.insert(format!("{folder}/{name}"), text.as_bytes().to_vec());
    }
    files.insert(
        "healthdex.js".into(),
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
        "healthdex-ui.js".into(),
        ui_entry_module(&ui_module).into_bytes(),
    );
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
