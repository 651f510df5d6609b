//! Project tasks: `cargo xtask <task>`.
//!
//! - `bad`: (re)generates the bad-input corpus in `fixtures/bad/`.
//! - `bench`: cleaning throughput and linearity, and extract + clean of the
//!   corpus PDFs next to `pdftotext` (release build).
//! - `eval`: scores offprint against the corpus's expected Markdown.

mod bad;
mod bench;
mod eval;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("bad") => bad::run(std::env::args().skip(2)),
        Some("bench") => bench::run(),
        Some("eval") => eval::run(std::env::args().skip(2)),
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  bad     (re)generate the bad-input corpus in fixtures/bad/ (needs qpdf)\n  bench   cleaning throughput; extract+clean against pdftotext (release build)\n  eval    score offprint against the corpus [--offprint-input pdf|txt] [--json PATH]");
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
