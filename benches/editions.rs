//! The five editions of the bundled brief (combined, en, zh, fr, es) in
//! each format: time to make and write them all — cold (fonts read from
//! disk) and warm — and their total size. Targets: PDF under 150 ms and
//! 400 KB together; DOCX under 600 KB; EPUB under 500 KB. Then one document
//! of about 100 pages (the brief's sections repeated) as PDF, and, when
//! `soffice` is installed, LibreOffice's PDF export of the same text timed
//! in the same run.
//!
//! Run with `cargo bench --bench editions` (or `cargo xtask bench`).

use offprint::edition::{self, Edition};
use offprint::fonts::{FontBook, FontOptions};
use offprint::model::Document;
use offprint::write::Typesetter;
use offprint::WriteOptions;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Makes one edition in one format and gives its bytes.
type Make = fn(&mut Typesetter, &Document, &Edition) -> Vec<u8>;

const FORMATS: [(&str, f64, Make); 3] = [
    ("PDF", 400.0, |ts, doc, e| {
        ts.pdf(doc, e, &WriteOptions::default())
            .expect("the brief typesets")
            .bytes
    }),
    ("DOCX", 600.0, |ts, doc, e| {
        ts.docx(doc, e, &WriteOptions::default())
            .expect("the brief writes")
            .bytes
    }),
    ("EPUB", 500.0, |ts, doc, e| {
        ts.epub(doc, e, &WriteOptions::default())
            .expect("the brief writes")
            .bytes
    }),
];

/// Total size of the five editions made by `make`.
fn five(
    typesetter: &mut Typesetter,
    document: &Document,
    editions: &[Edition],
    make: Make,
) -> usize {
    editions
        .iter()
        .map(|e| {
            let doc = edition::select(document, e).expect("the brief has every edition");
            make(typesetter, black_box(&doc), e).len()
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

    let mut typesetter = Typesetter::new(FontBook::new(&options).unwrap());
    for (format, size_target, make) in FORMATS {
        // Cold: a fresh process's work, fonts read from disk included.
        let cold = (0..5)
            .map(|_| {
                let start = Instant::now();
                let mut fresh = Typesetter::new(FontBook::new(&options).unwrap());
                black_box(five(&mut fresh, &document, &editions, make));
                start.elapsed()
            })
            .min()
            .unwrap();
        // Warm: fonts loaded, caches filled by an earlier run.
        let size = five(&mut typesetter, &document, &editions, make);
        let warm = (0..10)
            .map(|_| {
                let start = Instant::now();
                black_box(five(&mut typesetter, &document, &editions, make));
                start.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO);
        let time_target = if format == "PDF" {
            "; target < 150 ms"
        } else {
            ""
        };
        println!(
            "editions: 5 {format} editions of the brief in {:.1} ms (fonts loaded: {:.1} ms){time_target}",
            cold.as_secs_f64() * 1e3,
            warm.as_secs_f64() * 1e3
        );
        println!(
            "size: {:.1} KB together; target < {size_target:.0} KB",
            size as f64 / 1024.0
        );
    }

    let long = repeated(&document, 25);
    let start = Instant::now();
    let rendered = typesetter
        .pdf(&long, &Edition::Combined, &WriteOptions::default())
        .expect("the long document typesets");
    let ours = start.elapsed();
    let pages = rendered.pages.unwrap_or(0);
    println!(
        "long document: {pages} pages in {:.1} ms ({:.1} ms a page)",
        ours.as_secs_f64() * 1e3,
        ours.as_secs_f64() * 1e3 / pages.max(1) as f64
    );
    match libreoffice_time(&long) {
        Some(theirs) => println!(
            "LibreOffice's PDF export of the same text: {:.0} ms, {:.1}x offprint's time",
            theirs.as_secs_f64() * 1e3,
            theirs.as_secs_f64() / ours.as_secs_f64()
        ),
        None => println!("LibreOffice: soffice not installed, not compared"),
    }
}

/// The document with its sections repeated `times` times.
fn repeated(document: &Document, times: usize) -> Document {
    let mut long = document.clone();
    long.sections = (0..times)
        .flat_map(|_| document.sections.iter().cloned())
        .collect();
    long
}

/// Time of `soffice --headless --convert-to pdf` on the document's plain
/// text, if LibreOffice is installed (its start-up included: that is what
/// a batch job pays per document).
fn libreoffice_time(document: &Document) -> Option<Duration> {
    let dir = std::env::temp_dir().join(format!("offprint-bench-lo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let text = dir.join("long.txt");
    std::fs::write(&text, offprint::export::txt::to_text(document)).ok()?;
    let start = Instant::now();
    let status = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&text)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let elapsed = start.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    status.success().then_some(elapsed)
}
