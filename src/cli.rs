//! Command-line interface: argument definitions and the commands they run.

use crate::clean::{clean, Report};
use crate::error::Error;
use crate::export::TextFormat;
use crate::input::RawDoc;
use crate::output::{ensure_not_input, write_atomic};
use crate::ReadOptions;
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "offprint",
    version,
    about = "Turns a published document into clean, well-made editions",
    after_help = "Exit codes: 0 success, 1 an input failed, 2 usage error.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean extracted text: remove page furniture, unwrap lines, rejoin
    /// hyphenated words, find headings, lists and language sections.
    #[command(after_help = "Examples:
  offprint clean brief.pdf                        Markdown on standard output
  offprint clean brief.txt                        (extracted text works too)
  offprint clean brief.txt --to json -o brief.json
  offprint clean brief.txt -o brief.md --report edits.json
  pdftotext in.pdf - | offprint clean -           read standard input")]
    Clean(CleanArgs),
    /// Extract the raw text of a PDF, page by page, a form feed between pages
    /// (like `pdftotext`): the input of `clean`, before any cleaning.
    #[command(after_help = "Examples:
  offprint extract report.pdf                     text on standard output
  offprint extract report.pdf -o report.txt
  offprint extract locked.pdf --password s3cret -o locked.txt")]
    Extract(ExtractArgs),
}

/// How to open the input, shared by the commands that read one.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Password of an encrypted PDF (not needed when the user password is empty).
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Give up on a PDF whose text takes longer than this to read, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub time_limit: f64,
}

impl InputArgs {
    fn read_options(&self) -> Result<ReadOptions, Error> {
        let time_limit = std::time::Duration::try_from_secs_f64(self.time_limit)
            .ok()
            .filter(|limit| !limit.is_zero())
            .ok_or_else(|| Error::new("--time-limit", "must be a positive number of seconds"))?;
        Ok(ReadOptions {
            password: self.password.clone(),
            time_limit,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The PDF (or `-` for standard input).
    pub input: PathBuf,
    /// Output file (written whole or not at all); standard output if absent.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: InputArgs,
}

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// Input file: a PDF, or extracted text (UTF-8, form feed between pages),
    /// recognised by its bytes; `-` for standard input.
    pub input: PathBuf,
    /// Output file (written whole or not at all); standard output if absent.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub to: Format,
    /// Write the edit report (every removal, join and hyphen decision) as JSON.
    #[arg(long, value_name = "REPORT.json")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub read: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Pandoc Markdown with language divs
    Md,
    /// The document model, versioned JSON
    Json,
    /// Plain text, a blank line between blocks
    Txt,
}

impl From<Format> for TextFormat {
    fn from(format: Format) -> TextFormat {
        match format {
            Format::Md => TextFormat::Markdown,
            Format::Json => TextFormat::Json,
            Format::Txt => TextFormat::Text,
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Clean(args) => run_clean(&args),
        Command::Extract(args) => run_extract(&args),
    }
}

/// Reads and opens the input, warning about pages that could not be read.
fn open_input(path: &Path, read: &InputArgs) -> Result<RawDoc, Error> {
    let name = path.display().to_string();
    let bytes = read_bytes(path)?;
    let raw = crate::read_input(&name, &bytes, &read.read_options()?)?;
    if !raw.lost_pages.is_empty() {
        let pages: Vec<String> = raw.lost_pages.iter().map(usize::to_string).collect();
        eprintln!(
            "offprint: warning: {name}: page(s) {} could not be read in full; their text may be incomplete",
            pages.join(", ")
        );
    }
    Ok(raw)
}

/// Writes `bytes` to `output` (never an input) or to standard output.
fn emit(output: Option<&Path>, input: &Path, bytes: &[u8]) -> Result<(), Error> {
    match output {
        Some(path) => {
            ensure_not_input(path, &[input])?;
            write_atomic(path, bytes)
        }
        None => std::io::stdout()
            .lock()
            .write_all(bytes)
            .map_err(|e| Error::io("<stdout>", &e)),
    }
}

fn run_extract(args: &ExtractArgs) -> Result<(), Error> {
    let raw = open_input(&args.input, &args.read)?;
    let mut text = String::new();
    for page in &raw.pages {
        for line in &page.lines {
            text.push_str(&line.text);
            text.push('\n');
        }
        text.push('\u{000C}');
    }
    emit(args.output.as_deref(), &args.input, text.as_bytes())
}

fn run_clean(args: &CleanArgs) -> Result<(), Error> {
    let raw = open_input(&args.input, &args.read)?;
    let cleaned = clean(&raw);
    let rendered = TextFormat::from(args.to).render(&cleaned.document);
    // The report comes last, and only once the output is in place, so that
    // a failure leaves neither behind.
    if let Some(report_path) = &args.report {
        ensure_not_input(report_path, &[args.input.as_path()])?;
    }
    emit(args.output.as_deref(), &args.input, rendered.as_bytes())?;
    if let Some(report_path) = &args.report {
        if let Err(error) = write_atomic(report_path, report_json(&cleaned.report).as_bytes()) {
            if let Some(output) = &args.output {
                let _ = std::fs::remove_file(output);
            }
            return Err(error);
        }
    }
    Ok(())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("-", &e))?;
        return Ok(bytes);
    }
    if path.is_dir() {
        return Err(Error::new(
            path.display().to_string(),
            "is a directory, not a file",
        ));
    }
    std::fs::read(path).map_err(|e| Error::io(path.display().to_string(), &e))
}

/// The edit report as versioned JSON, with a count per kind.
pub fn report_json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Versioned<'a> {
        format: &'static str,
        version: u32,
        counts: std::collections::BTreeMap<crate::clean::EditKind, usize>,
        edits: &'a [crate::clean::Edit],
    }
    let mut out = serde_json::to_string_pretty(&Versioned {
        format: "offprint-report",
        version: 1,
        counts: report.counts(),
        edits: &report.edits,
    })
    .expect("the report always serialises");
    out.push('\n');
    out
}
