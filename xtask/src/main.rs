//! Project tasks: `cargo xtask <task>`.
//!
//! - `bad`: (re)generates the bad-input corpus in `fixtures/bad/`.
//! - `cmaps`: CID → Unicode tables for the Adobe CJK collections, from
//!   poppler-data's Adobe CMaps [`--check`: regenerate in memory and compare].
//! - `bench`: cleaning throughput and linearity, extract + clean of the
//!   corpus PDFs next to `pdftotext`, and the time and size of the brief's
//!   five PDF editions (release build).
//! - `dist`: the release archive (binary, completions, man pages, licences)
//!   in `target/dist/`.
//! - `eval`: scores offprint against the corpus's expected Markdown.
//! - `fonts`: fetches the bundled fonts again and checks their SHA-256.
//! - `fuzz`: offprint on hostile files and seeded mutants of the fixtures,
//!   failing on any crash, hang, leftover file or invalid edition.
//! - `picture`: the README's picture of two edition pages, `docs/edition-pages.png`.
//! - `schema`: the JSON Schema of the model, `docs/offprint-document.schema.json`.
//! - `validate`: checks every PDF edition with qpdf and poppler, and every
//!   DOCX edition with python-docx and LibreOffice, and every EPUB edition
//!   with epubcheck and headless Chromium.

mod bad;
mod batch_bench;
mod bench;
mod cmaps;
mod dist;
mod eval;
mod fonts;
mod fuzz;
mod memory_bench;
mod pages_bench;
mod picture;
mod schema;
mod validate;
mod validate_epub;
mod xml_parts;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("bad") => bad::run(std::env::args().skip(2)),
        Some("bench") => bench::run(std::env::args().skip(2)),
        Some("cmaps") => cmaps::run(std::env::args().skip(2)),
        Some("dist") => dist::run(std::env::args().skip(2)),
        Some("eval") => eval::run(std::env::args().skip(2)),
        Some("fonts") => fonts::run_task(std::env::args().skip(2)),
        Some("fuzz") => fuzz::run(std::env::args().skip(2)),
        Some("picture") => picture::run(std::env::args().skip(2)),
        Some("schema") => schema::run(std::env::args().skip(2)),
        Some("validate") => validate::run(std::env::args().skip(2)),
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  bad       (re)generate the bad-input corpus in fixtures/bad/ (needs qpdf)\n  bench     cleaning throughput; extract+clean against pdftotext; the brief's five PDF, DOCX and EPUB editions; a batch of 50 copies of the corpus; time against pages [batch, pdf, memory, pages: only that part] (release build)\n  cmaps     CID → Unicode tables for Adobe's CJK collections from poppler-data's CMaps [--check: compare only]\n  dist      the release archive: binary, completions, man pages, licences, in target/dist/ [--out DIR] [--binary FILE] [--fast]\n  eval      score offprint against the corpus [--offprint-input pdf|txt] [--json PATH] [--check]\n  fonts     fetch the bundled fonts again and check their SHA-256 [--check: offline, files only]\n  fuzz      offprint on hostile files and seeded mutants of the fixtures; fails on any crash, hang, leftover or invalid edition [--seconds N] [--seed S] [--keep DIR]\n  picture   the README's picture of two edition pages, docs/edition-pages.png (needs pdftoppm)\n  schema    the JSON Schema of the model, docs/offprint-document.schema.json, from its types [--check: compare only]\n  validate  check every PDF edition (qpdf, pdffonts, pdftotext), DOCX edition (python-docx; LibreOffice with no CJK font) and EPUB edition (epubcheck; Chromium with no CJK font); images in target/validate");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository's root.
fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the repository")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// A PNG's pixels, 8 bits a sample (palettes and 16-bit samples expanded), and
/// what it is.
fn read_png(path: &std::path::Path) -> Result<(png::OutputInfo, Vec<u8>), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader
        .next_frame(&mut pixels)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    pixels.truncate(info.buffer_size());
    Ok((info, pixels))
}
