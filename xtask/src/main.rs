//! Project tasks: `cargo xtask <task>`.
//!
//! - `bench`: cleaning throughput and linearity, and the time and size of
//!   the brief's five PDF editions (release build).
//! - `eval`: scores offprint against the corpus's expected Markdown.
//! - `fonts`: fetches the bundled fonts again and checks their SHA-256.
//! - `validate`: checks every PDF edition with qpdf and poppler, and every
//!   EPUB edition with epubcheck and headless Chromium.

mod eval;
mod fonts;
mod validate;
mod validate_epub;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("bench") => bench(),
        Some("eval") => eval::run(std::env::args().skip(2)),
        Some("fonts") => fonts::run_task(std::env::args().skip(2)),
        Some("validate") => validate::run(std::env::args().skip(2)),
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  bench   cleaning throughput and linearity; the brief's five PDF editions (release build)\n  eval    score offprint against the corpus [--offprint-input pdf|txt] [--json PATH]\n  fonts   fetch the bundled fonts again and check their SHA-256 [--check: offline, files only]\n  validate  check every PDF edition with qpdf, pdffonts and pdftotext, every EPUB edition with epubcheck and Chromium; images in target/validate");
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

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn bench() -> Result<(), String> {
    let status = cargo()
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
    status
        .success()
        .then_some(())
        .ok_or_else(|| "the benchmark failed".into())
}
