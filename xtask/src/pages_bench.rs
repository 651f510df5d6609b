//! `cargo xtask bench pages`: how extraction grows with the page count. The
//! corpus's four-page bulletin is repeated by `qpdf --pages` into PDFs of 50,
//! 500 and 5,000 pages; `offprint clean` and `pdftotext` run on each in turn
//! (alternating, so that both see the same machine), five times; the table
//! gives the medians, the peak resident memory of each, their ratio, and
//! each tool's time per page against the 50-page PDF's (1.0 is linear).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The PDF repeated (four pages), and the page counts made of it.
pub const BULLETIN: &str = "fixtures/corpus/faker-fr-es-bulletin.xelatex.pdf";
const PAGES: [usize; 3] = [50, 500, 5000];
/// Alternating runs of each tool on each PDF; the median counts.
const RUNS: usize = 5;
/// The aim: offprint within this factor of pdftotext's time.
const AIM: f64 = 1.5;

/// One timed run: wall time and peak resident memory, by GNU time.
struct Run {
    time: Duration,
    peak_kib: u64,
}

fn timed(program: &str, args: &[&str]) -> Result<Run, String> {
    let report = std::env::temp_dir().join(format!("offprint-bench-time-{}", std::process::id()));
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&report)
        .arg(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"))?;
    if !status.success() {
        return Err(format!("{program} {} failed", args.join(" ")));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| format!("time's report: {e}"))?;
    let mut fields = text.split_whitespace();
    let seconds: f64 = fields
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("time's report")?;
    let peak_kib: u64 = fields
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("time's report")?;
    Ok(Run {
        time: Duration::from_secs_f64(seconds),
        peak_kib,
    })
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.time);
    runs.swap_remove(runs.len() / 2)
}

/// The bulletin repeated to `pages` pages (made once, kept in `work`).
pub fn repeated_bulletin(work: &Path, pages: usize) -> Result<PathBuf, String> {
    let path = work.join(format!("pages-{pages}.pdf"));
    if path.is_file() {
        return Ok(path);
    }
    let mut qpdf = Command::new("qpdf");
    qpdf.arg("--empty").arg("--pages");
    for _ in 0..pages / 4 {
        qpdf.arg(BULLETIN).arg("1-4");
    }
    let status = qpdf
        .arg("--")
        .arg(&path)
        .status()
        .map_err(|e| format!("cannot run qpdf (needed to make the long PDFs): {e}"))?;
    if !status.success() {
        return Err(format!("qpdf could not make the {pages}-page PDF"));
    }
    Ok(path)
}

pub fn run(offprint: &Path) -> Result<(), String> {
    let work = Path::new("target/bench-pages");
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let offprint = offprint.to_str().ok_or("the offprint path is not UTF-8")?;
    println!(
        "pages: offprint clean X.pdf against pdftotext X.pdf, median of {RUNS} alternating runs"
    );
    println!(
        "{:>6}  {:>10} {:>8}  {:>10} {:>8}  {:>6}  {:>14}",
        "pages", "offprint", "peak", "pdftotext", "peak", "ratio", "growth (o / p)"
    );
    let mut first: Option<(f64, f64)> = None;
    let mut missed = Vec::new();
    for pages in PAGES {
        let pdf = repeated_bulletin(work, pages)?;
        let pdf = pdf.to_str().ok_or("the PDF path is not UTF-8")?;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            ours.push(timed(offprint, &["clean", pdf, "-o", "/dev/null"])?);
            theirs.push(timed("pdftotext", &[pdf, "/dev/null"])?);
        }
        let (ours, theirs) = (median(ours), median(theirs));
        let (o, p) = (ours.time.as_secs_f64(), theirs.time.as_secs_f64());
        let per_page = (o / pages as f64, p / pages as f64);
        let base = *first.get_or_insert(per_page);
        let ratio = o / p.max(0.001);
        println!(
            "{pages:>6}  {:>8.2} s {:>5} MB  {:>8.2} s {:>5} MB  {:>5.2}x  {:>6.2} / {:<6.2}",
            o,
            ours.peak_kib / 1024,
            p,
            theirs.peak_kib / 1024,
            ratio,
            per_page.0 / base.0,
            per_page.1 / base.1,
        );
        if ratio > AIM {
            missed.push(format!(
                "{pages} pages: {ratio:.2}x pdftotext's time (aim {AIM}x)"
            ));
        }
    }
    for miss in &missed {
        println!("pages: aim not met: {miss}");
    }
    Ok(())
}
