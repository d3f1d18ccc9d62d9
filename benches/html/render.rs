//! `cargo run --release --example render_html -- <markdown folder> <output folder>`:
//! writes the themed HTML pages of a Markdown corpus (see `theme.rs`), for measuring
//! `healthdex index` on built HTML against the same articles in Markdown.

#[allow(dead_code)] // THEME_WORDS and page_path are for the tests
#[path = "theme.rs"]
mod theme;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, from, to] = args.as_slice() else {
        eprintln!("usage: render_html <markdown folder> <output folder>");
        std::process::exit(2);
    };
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry?;
        let path = entry.path();
        let is_markdown = path.extension().is_some_and(|e| e == "md")
            && !path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("README.md"));
        if !entry.file_type().is_file() || !is_markdown {
            continue;
        }
        let relative = path
            .strip_prefix(from)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let page = theme::render(&relative, &std::fs::read_to_string(path)?);
        let target = Path::new(to).join(&page.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, page.html)?;
        pages += 1;
    }
    println!("rendered {pages} pages into {to}");
    Ok(())
}
