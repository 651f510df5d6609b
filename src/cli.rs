//! Command-line interface: argument definitions and the commands they run.

use crate::clean::{clean, Report};
use crate::error::Error;
use crate::export::TextFormat;
use crate::output::{ensure_not_input, write_atomic};
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
  offprint clean brief.txt                        Markdown on standard output
  offprint clean brief.txt --to json -o brief.json
  offprint clean brief.txt -o brief.md --report edits.json
  pdftotext in.pdf - | offprint clean -           read standard input")]
    Clean(CleanArgs),
}

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// Input file: extracted text (UTF-8, form feed between pages), or `-`
    /// for standard input.
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
    }
}

fn run_clean(args: &CleanArgs) -> Result<(), Error> {
    let name = args.input.display().to_string();
    let bytes = read_bytes(&args.input)?;
    let raw = crate::read_input(&name, &bytes)?;
    let cleaned = clean(&raw);
    let rendered = TextFormat::from(args.to).render(&cleaned.document);
    let inputs = [args.input.as_path()];
    if let Some(report_path) = &args.report {
        ensure_not_input(report_path, &inputs)?;
        write_atomic(report_path, report_json(&cleaned.report).as_bytes())?;
    }
    match &args.output {
        Some(path) => {
            ensure_not_input(path, &inputs)?;
            write_atomic(path, rendered.as_bytes())
        }
        None => std::io::stdout()
            .lock()
            .write_all(rendered.as_bytes())
            .map_err(|e| Error::io("<stdout>", &e)),
    }
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
