//! `cargo xtask bench`: the benchmarks, in release builds.
//!
//! 1. Cleaning throughput and linearity on synthetic text (`benches/clean.rs`),
//!    and the time and size of the brief's five PDF editions (`benches/editions.rs`).
//! 2. Extract + clean of every corpus PDF by `offprint clean X.pdf`, next to
//!    `pdftotext X.pdf` on the same files in the same run, as pages per
//!    second and a ratio (this machine is noisy: only the ratio means much).
//! 3. Batch: 50 copies of the public corpus (`fixtures/corpus`, linked into
//!    a temporary folder) to every format and edition by one `offprint
//!    convert` with `--jobs 1` and with `--jobs 2`: documents per second,
//!    the speed-up from the second core (target ≥ 1.8×), the peak memory
//!    (target < 300 MB) and whether both runs wrote the same bytes; then,
//!    where installed, pandoc (Markdown → DOCX, → EPUB) and LibreOffice
//!    (DOCX → PDF) on the same documents, as ratios.
//!
//! 4. Memory: the peak of a 5,000-page PDF to every format and of a 22 MB
//!    text, against the memory budget's aims (`crate::memory_bench`).
//!
//! 5. Pages: extraction of the same PDF repeated to 50, 500 and 5,000 pages,
//!    against `pdftotext`, and how the time per page grows (`crate::pages_bench`).
//!
//! `cargo xtask bench pdf` runs only the second, `cargo xtask bench batch` only the
//! third, `cargo xtask bench memory` only the fourth, `cargo xtask bench pages` only
//! the fifth.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Timed runs per file and tool; the best one counts.
const RUNS: usize = 3;

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let offprint = Path::new("target/release/offprint");
    match args.next().as_deref() {
        None => {}
        Some("batch") => {
            build_release()?;
            return crate::batch_bench::run(offprint);
        }
        Some("pdf") => {
            build_release()?;
            return pdf_against_pdftotext(offprint);
        }
        Some("memory") => {
            build_release()?;
            return crate::memory_bench::run(offprint);
        }
        Some("pages") => {
            build_release()?;
            return crate::pages_bench::run(offprint);
        }
        Some(other) => {
            return Err(format!(
                "bench: unknown part {other:?} (batch, pdf, memory, pages)"
            ))
        }
    }
    let status = super::cargo()
        .args([
            "bench",
            "--package",
            "offprint",
            "--bench",
            "clean",
            "--bench",
            "editions",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the cleaning or editions benchmark failed".into());
    }
    build_release()?;
    pdf_against_pdftotext(offprint)?;
    crate::pages_bench::run(offprint)?;
    crate::batch_bench::run(offprint)?;
    crate::memory_bench::run(offprint)
}

fn build_release() -> Result<(), String> {
    let status = super::cargo()
        .args(["build", "--release", "--quiet", "--package", "offprint"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the release build failed".into());
    }
    Ok(())
}

fn corpus_pdfs() -> Result<Vec<PathBuf>, String> {
    let mut pdfs = Vec::new();
    for dir in ["fixtures/corpus", "fixtures/brief"] {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))?;
        pdfs.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "pdf")),
        );
    }
    pdfs.sort();
    Ok(pdfs)
}

/// Best wall-clock time of `RUNS` runs of a command, output discarded.
fn best_time(program: &Path, args: &[&str]) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        if !status.success() {
            return Err(format!("{} {} failed", program.display(), args.join(" ")));
        }
        best = best.min(start.elapsed());
    }
    Ok(best)
}

fn page_count(offprint: &Path, pdf: &str) -> Result<usize, String> {
    let out = Command::new(offprint)
        .args(["extract", pdf])
        .output()
        .map_err(|e| format!("cannot run offprint: {e}"))?;
    Ok(out.stdout.iter().filter(|&&b| b == 0x0c).count())
}

fn pdf_against_pdftotext(offprint: &Path) -> Result<(), String> {
    let pdftotext = Path::new("pdftotext");
    if Command::new(pdftotext).arg("-v").output().is_err() {
        return Err("pdftotext is not installed (apt-get install poppler-utils)".into());
    }
    let (mut pages, mut ours, mut theirs) = (0, Duration::ZERO, Duration::ZERO);
    let mut refused = Vec::new();
    for pdf in corpus_pdfs()? {
        let name = pdf.to_string_lossy().into_owned();
        // The renders offprint refuses (fonts without a Unicode map) are not timed.
        let readable = Command::new(offprint)
            .args(["clean", &name, "-o", "/dev/null"])
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run offprint: {e}"))?
            .success();
        if !readable {
            refused.push(name);
            continue;
        }
        pages += page_count(offprint, &name)?;
        ours += best_time(offprint, &["clean", &name, "--to", "md"])?;
        theirs += best_time(pdftotext, &["-enc", "UTF-8", &name, "-"])?;
    }
    let rate = |t: Duration| pages as f64 / t.as_secs_f64();
    println!(
        "extract+clean: {pages} pages of the corpus, offprint {:.0} pages/s, pdftotext {:.0} pages/s: offprint takes {:.2}x pdftotext's time",
        rate(ours),
        rate(theirs),
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
    if !refused.is_empty() {
        println!(
            "extract+clean: {} PDFs refused by offprint, not timed: {}",
            refused.len(),
            refused.join(", ")
        );
    }
    Ok(())
}
