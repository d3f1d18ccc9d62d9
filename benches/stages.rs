//! Criterion benches, one per pipeline stage, on the bundled corpus (and on MedQuAD
//! when `../shared/data/medquad` is present, for indexing and queries):
//!
//! - `parse`: Markdown → sections and references (`parse_article`), MB/s;
//! - `references`: citation parsing, entries per second;
//! - `index`: a full index build from Markdown, MB/s;
//! - `query`: search with snippets, top 10, for a mixed query set.
//!
//! Run with `cargo bench --bench stages`.

use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use healthdex::article::{ParseOptions, parse_article, parse_reference};
use healthdex::index::{self, IndexOptions};
use healthdex::search::bench::BUILT_IN_QUERIES;
use healthdex::search::{Engine, SearchRequest};

/// Every Markdown file of a folder, with its path relative to the folder.
fn read_corpus(root: &Path) -> Vec<(String, String)> {
    let files = healthdex::corpus::discover(root)
        .expect("corpus folder")
        .files;
    files
        .iter()
        .filter_map(|file| {
            healthdex::corpus::load(file)
                .ok()
                .map(|loaded| (file.path.clone(), loaded.text))
        })
        .collect()
}

fn corpora() -> Vec<(&'static str, PathBuf)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpora = vec![("corpus", manifest.join("corpus"))];
    let medquad = manifest.join("../shared/data/medquad");
    if medquad.is_dir() {
        corpora.push(("medquad", medquad));
    } else {
        eprintln!(
            "note: {} not found; benching the bundled corpus only",
            medquad.display()
        );
    }
    corpora
}

fn parse(c: &mut Criterion) {
    let articles = read_corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let bytes: usize = articles.iter().map(|(_, text)| text.len()).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("corpus", |b| {
        b.iter(|| {
            for (path, text) in &articles {
                std::hint::black_box(parse_article(path, text, &ParseOptions::default()));
            }
        })
    });
    group.finish();
}

fn references(c: &mut Criterion) {
    let articles = read_corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let entries: Vec<String> = articles
        .iter()
        .flat_map(|(path, text)| {
            let parsed = parse_article(path, text, &ParseOptions::default());
            parsed
                .article
                .references()
                .map(|r| r.raw.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut group = c.benchmark_group("references");
    group.throughput(Throughput::Elements(entries.len() as u64));
    group.bench_function("corpus", |b| {
        b.iter(|| {
            entries
                .iter()
                .for_each(|e| drop(std::hint::black_box(parse_reference(e))))
        })
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    for (name, root) in corpora() {
        let bytes: u64 = healthdex::corpus::discover(&root)
            .unwrap()
            .files
            .iter()
            .map(|f| f.size)
            .sum();
        group.throughput(Throughput::Bytes(bytes));
        group.bench_with_input(BenchmarkId::from_parameter(name), &root, |b, root| {
            b.iter_batched(
                || tempfile::tempdir().unwrap(),
                |dir| {
                    let options = IndexOptions::new(root.clone(), dir.path().join("index"));
                    index::update(&options).unwrap();
                    dir
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn query(c: &mut Criterion) {
    let mut group = c.benchmark_group("query");
    for (name, root) in corpora() {
        let dir = tempfile::tempdir().unwrap();
        let options = IndexOptions::new(root, dir.path().join("index"));
        index::update(&options).unwrap();
        let engine = Engine::open(&options.index_dir).unwrap();
        let requests: Vec<SearchRequest> = BUILT_IN_QUERIES
            .iter()
            .map(|q| SearchRequest::new(*q))
            .collect();
        group.throughput(Throughput::Elements(requests.len() as u64));
        group.bench_function(BenchmarkId::new("mixed-set", name), |b| {
            b.iter(|| {
                requests
                    .iter()
                    .for_each(|r| drop(std::hint::black_box(engine.search(r).unwrap())))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, references, build, query);
criterion_main!(benches);
