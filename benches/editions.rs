//! The five PDF editions of the bundled brief (combined, en, zh, fr, es):
//! time to typeset and write them all, and their total size.
//! Targets: under 150 ms for all five, under 400 KB together.
//! Then the five EPUB editions: time to write them (fonts subset and
//! embedded, package finished), and their total size (target: under 500 KB).
//!
//! Run with `cargo bench --bench editions` (or `cargo xtask bench`).

use offprint::edition::{self, Edition};
use offprint::fonts::{FontBook, FontOptions};
use offprint::layout::Paper;
use offprint::write::Typesetter;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn five(
    typesetter: &mut Typesetter,
    document: &offprint::model::Document,
    editions: &[Edition],
) -> usize {
    editions
        .iter()
        .map(|e| {
            let doc = edition::select(document, e).expect("the brief has every edition");
            let pdf = typesetter
                .pdf(black_box(&doc), e, Paper::A4)
                .expect("the brief typesets");
            pdf.bytes.len()
        })
        .sum()
}

fn five_epubs(
    typesetter: &mut Typesetter,
    document: &offprint::model::Document,
    editions: &[Edition],
) -> usize {
    editions
        .iter()
        .map(|e| {
            let doc = edition::select(document, e).expect("the brief has every edition");
            let epub = typesetter
                .epub(black_box(&doc), e)
                .expect("the brief is written");
            epub.bytes.len()
        })
        .sum()
}

fn main() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/brief/brief.extracted.txt"
    ))
    .expect("the brief is bundled");
    let raw = offprint::read_input("brief.extracted.txt", &bytes, &Default::default()).unwrap();
    let document = offprint::clean::clean(&raw).document;
    let editions = edition::all(&document);
    assert_eq!(editions.len(), 5);
    let options = FontOptions::default();

    // Cold: a fresh process's work, fonts read from disk included.
    let cold = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut typesetter = Typesetter::new(FontBook::new(&options).unwrap());
            black_box(five(&mut typesetter, &document, &editions));
            start.elapsed()
        })
        .min()
        .unwrap();
    // Warm: fonts loaded, shaping cache filled by an earlier run.
    let mut typesetter = Typesetter::new(FontBook::new(&options).unwrap());
    let size = five(&mut typesetter, &document, &editions);
    let warm = (0..10)
        .map(|_| {
            let start = Instant::now();
            black_box(five(&mut typesetter, &document, &editions));
            start.elapsed()
        })
        .min()
        .unwrap_or(Duration::ZERO);
    println!(
        "editions: 5 PDF editions of the brief in {:.1} ms (fonts loaded: {:.1} ms); target < 150 ms",
        cold.as_secs_f64() * 1e3,
        warm.as_secs_f64() * 1e3
    );
    println!(
        "size: {:.1} KB together; target < 400 KB",
        size as f64 / 1024.0
    );

    // EPUB: cold (fonts read from disk) and warm.
    let cold = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut typesetter = Typesetter::new(FontBook::new(&options).unwrap());
            black_box(five_epubs(&mut typesetter, &document, &editions));
            start.elapsed()
        })
        .min()
        .unwrap();
    let size = five_epubs(&mut typesetter, &document, &editions);
    let warm = (0..10)
        .map(|_| {
            let start = Instant::now();
            black_box(five_epubs(&mut typesetter, &document, &editions));
            start.elapsed()
        })
        .min()
        .unwrap_or(Duration::ZERO);
    println!(
        "epub: 5 EPUB editions of the brief in {:.1} ms (fonts loaded: {:.1} ms)",
        cold.as_secs_f64() * 1e3,
        warm.as_secs_f64() * 1e3
    );
    println!(
        "epub size: {:.1} KB together; target < 500 KB",
        size as f64 / 1024.0
    );
}
