//! What a batch tells the person watching: a progress bar on a terminal,
//! one line per document in logs (stderr not a terminal, or `CI` set).

use super::{Record, Status};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How much to say: `-q`, normal, `-v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Errors and warnings; in a batch, one line per document (or the bar) and a total.
    Normal,
    /// Everything: every output file, undecided hyphens, the total.
    Verbose,
}

/// Whether the `CI` environment variable says this is a CI job.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Prints a batch's progress. Only the thread that owns it prints, so lines
/// never mix.
pub struct Reporter {
    bar: Option<ProgressBar>,
    verbosity: Verbosity,
    /// One line per document (logs of a batch, or `-v`).
    per_document: bool,
}

impl Reporter {
    /// `batch`: more than one input, or inputs found in folders or by patterns.
    pub fn new(total: usize, verbosity: Verbosity, batch: bool) -> Reporter {
        let interactive = std::io::stderr().is_terminal() && !in_ci();
        let bar = (interactive && verbosity > Verbosity::Quiet && total > 0).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents, ETA {eta}  {wide_msg}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let per_document = verbosity == Verbosity::Verbose
            || (batch && verbosity == Verbosity::Normal && bar.is_none());
        Reporter {
            bar,
            verbosity,
            per_document,
        }
    }

    /// Prints a line (above the bar, if there is one).
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// A warning about the run itself (not about one input).
    pub fn warning(&self, text: &str) {
        if self.verbosity > Verbosity::Quiet {
            self.line(&format!("offprint: warning: {text}"));
        }
    }

    /// A document is being converted.
    pub fn started(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name.to_string());
        }
    }

    /// A document is done: its error, warnings and (in logs) its line.
    pub fn finished(&self, record: &Record, out: &std::path::Path) {
        let name = &record.input;
        if self.verbosity > Verbosity::Quiet {
            for warning in &record.warnings {
                if warning.is_minor() && self.verbosity < Verbosity::Verbose {
                    continue;
                }
                self.line(&format!("offprint: warning: {name}: {}", warning.message));
            }
        }
        match record.status {
            Status::Failed => self.line(&format!(
                "offprint: error: {name}: {}",
                record.error.as_deref().unwrap_or("failed")
            )),
            Status::Converted if self.per_document => self.line(&format!(
                "offprint: converted {name}: {} file{}, {:.2} s",
                record.outputs.len(),
                if record.outputs.len() == 1 { "" } else { "s" },
                record.timing.total_ms / 1000.0
            )),
            Status::UpToDate if self.per_document => {
                self.line(&format!("offprint: up to date {name}"))
            }
            _ => {}
        }
        if self.verbosity == Verbosity::Verbose && record.status != Status::Failed {
            for output in &record.outputs {
                self.line(&format!(
                    "offprint:   {} ({})",
                    out.join(&output.path).display(),
                    crate::memory::human(usize::try_from(output.bytes).unwrap_or(usize::MAX))
                ));
            }
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// The run is over: clears the bar and prints the total.
    pub fn finish(&self, total_line: &str, batch: bool) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.verbosity == Verbosity::Verbose || (self.verbosity == Verbosity::Normal && batch) {
            eprintln!("{total_line}");
        }
    }
}
