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
    /// Write editions: PDF (typeset), DOCX, EPUB and Markdown, JSON or text, the combined
    /// document and one per language, into a folder.
    #[command(after_help = "Examples:
  offprint convert brief.txt                      every edition as PDF in .
  offprint convert brief.pdf --out out --to pdf,md
  offprint convert brief.txt --out out --to epub  out/brief.epub, out/brief.en.epub, …
  offprint convert brief.txt --edition en,zh --paper letter
  offprint convert brief.txt --to docx --toc --locale en=en-US
  offprint convert brief.txt --meta title=\"Back to the future?\" --meta author=MERICS

Files: DIR/<stem>.<ext> for the combined edition, DIR/<stem>.<lang>.<ext> for each
language. All are made first, then written (each whole or not at all).")]
    Convert(ConvertArgs),
    /// List the faces that will set each role and script, and, for an
    /// input, which characters each face sets and which none covers.
    #[command(after_help = "Examples:
  offprint fonts                                  the faces in use
  offprint fonts brief.txt                        and their coverage of brief.txt
  offprint fonts brief.txt --font-dir ~/fonts")]
    Fonts(FontsArgs),
}

/// Where fonts come from, shared by the commands that typeset.
#[derive(Debug, clap::Args)]
pub struct FontArgs {
    /// A folder of extra fonts (searched after the bundled ones; repeatable).
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
    /// Never use the system's fonts, even for characters nothing else covers.
    #[arg(long)]
    pub no_system_fonts: bool,
    /// A family for one role and script instead of the bundled one, as
    /// ROLE.SCRIPT=FAMILY (roles: body, heading; scripts: latin, cjk);
    /// repeatable, e.g. `--font "heading.cjk=Noto Serif SC"`.
    #[arg(long = "font", value_name = "ROLE.SCRIPT=FAMILY", value_parser = crate::fonts::parse_font_choice)]
    pub fonts: Vec<((crate::fonts::Role, crate::fonts::script::Class), String)>,
}

impl FontArgs {
    fn book(&self) -> Result<crate::fonts::FontBook, Error> {
        crate::fonts::FontBook::new(&crate::fonts::FontOptions {
            font_dirs: self.font_dirs.clone(),
            system_fonts: !self.no_system_fonts,
            families: self.fonts.iter().cloned().collect(),
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Input file: a PDF, or extracted text; `-` for standard input.
    pub input: PathBuf,
    /// Formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf")]
    pub to: Vec<ConvertFormat>,
    /// Editions, comma-separated: `combined`, language tags (`en,zh`), or `all`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "all",
        value_name = "EDITIONS"
    )]
    pub edition: Vec<String>,
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Set a metadata field: title, author (repeatable), date (YYYY-MM-DD).
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Paper size of PDF and DOCX editions.
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    pub paper: PaperArg,
    /// DOCX editions open with a table of contents.
    #[arg(long)]
    pub toc: bool,
    /// The locale a language is tagged with in DOCX editions (repeatable;
    /// defaults: en=en-GB, fr=fr-FR, es-ES, zh=zh-CN).
    #[arg(long = "locale", value_name = "LANG=LOCALE")]
    pub locales: Vec<String>,
    #[command(flatten)]
    pub fonts: FontArgs,
    #[command(flatten)]
    pub read: InputArgs,
}

#[derive(Debug, clap::Args)]
pub struct FontsArgs {
    /// An input whose characters to check (PDF or extracted text).
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub fonts: FontArgs,
    #[command(flatten)]
    pub read: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    /// Typeset PDF
    Pdf,
    /// Editable Word document: styles, numbering, languages, embedded fonts
    Docx,
    /// EPUB 3 (with the EPUB 2 NCX), fonts embedded
    Epub,
    /// Pandoc Markdown with language divs
    Md,
    /// The document model, versioned JSON
    Json,
    /// Plain text
    Txt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// 210 × 297 mm
    A4,
    /// 8.5 × 11 in
    Letter,
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
        Command::Convert(args) => run_convert(&args),
        Command::Fonts(args) => run_fonts(&args),
    }
}

/// Applies `--meta key=value` settings to the document's metadata.
pub fn apply_meta(meta: &mut crate::model::Meta, settings: &[String]) -> Result<(), Error> {
    let mut authors_set = false;
    for setting in settings {
        let Some((key, value)) = setting.split_once('=') else {
            return Err(Error::new(
                "--meta",
                format!("{setting:?} is not KEY=VALUE"),
            ));
        };
        let value = value.trim().to_string();
        match key.trim() {
            "title" => meta.title = Some(value),
            "author" => {
                if !authors_set {
                    meta.authors.clear();
                    authors_set = true;
                }
                meta.authors.push(value);
            }
            "date" => {
                let ok = value.len() == 10
                    && value.char_indices().all(|(k, c)| {
                        if k == 4 || k == 7 {
                            c == '-'
                        } else {
                            c.is_ascii_digit()
                        }
                    });
                if !ok {
                    return Err(Error::new(
                        "--meta",
                        format!("date {value:?} is not YYYY-MM-DD"),
                    ));
                }
                meta.date = Some(value);
            }
            other => {
                return Err(Error::new(
                    "--meta",
                    format!("unknown key {other:?} (title, author, date)"),
                ))
            }
        }
    }
    Ok(())
}

/// The editions asked for, in a stable order without repeats.
fn editions_of(
    document: &crate::model::Document,
    asked: &[String],
) -> Result<Vec<crate::edition::Edition>, Error> {
    use crate::edition::{self, Edition};
    let mut editions: Vec<Edition> = Vec::new();
    for name in asked {
        let more = if name.trim() == "all" {
            edition::all(document)
        } else {
            vec![Edition::parse(name).map_err(|e| Error::new("--edition", e))?]
        };
        for e in more {
            if !editions.contains(&e) {
                editions.push(e);
            }
        }
    }
    Ok(editions)
}

/// The stem of output file names: the input's name without its extension.
fn output_stem(input: &Path) -> String {
    if input.as_os_str() == "-" {
        return "stdin".into();
    }
    input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "document".into())
}

fn warn_uncovered(input: &Path, uncovered: &std::collections::BTreeSet<char>) {
    for &ch in uncovered {
        eprintln!(
            "offprint: warning: {}: {}",
            input.display(),
            crate::fonts::Uncovered { ch }
        );
    }
}

fn run_convert(args: &ConvertArgs) -> Result<(), Error> {
    let mut document = open_document(&args.input, &args.read)?;
    apply_meta(&mut document.meta, &args.meta)?;
    let editions = editions_of(&document, &args.edition)?;
    let input_name = args.input.display().to_string();
    let stem = output_stem(&args.input);
    let paper = match args.paper {
        PaperArg::A4 => crate::layout::Paper::A4,
        PaperArg::Letter => crate::layout::Paper::Letter,
    };
    let mut docx_options = crate::write::docx::DocxOptions {
        paper,
        toc: args.toc,
        ..Default::default()
    };
    for setting in &args.locales {
        let (lang, locale) = setting.split_once('=').unwrap_or((setting, ""));
        docx_options
            .locales
            .set(lang.trim(), locale.trim())
            .map_err(|e| Error::new("--locale", e))?;
    }
    // Everything is made before anything is written.
    let mut selected = Vec::new();
    for edition in &editions {
        let doc =
            crate::edition::select(&document, edition).map_err(|e| Error::new(&input_name, e))?;
        selected.push((edition, doc));
    }
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut uncovered = std::collections::BTreeSet::new();
    let mut not_embedded = std::collections::BTreeSet::new();
    let mut typesetter = None;
    for format in &args.to {
        for (edition, doc) in &selected {
            let (extension, bytes) = match format {
                ConvertFormat::Pdf => {
                    if typesetter.is_none() {
                        typesetter = Some(crate::write::Typesetter::new(args.fonts.book()?));
                    }
                    let ts = typesetter.as_mut().expect("made above");
                    let rendered = ts
                        .pdf(doc, edition, paper)
                        .map_err(|e| Error::new(&input_name, e))?;
                    uncovered.extend(rendered.uncovered);
                    ("pdf", rendered.bytes)
                }
                ConvertFormat::Docx => {
                    if typesetter.is_none() {
                        typesetter = Some(crate::write::Typesetter::new(args.fonts.book()?));
                    }
                    let ts = typesetter.as_mut().expect("made above");
                    let rendered = ts
                        .docx(doc, edition, &docx_options)
                        .map_err(|e| Error::new(&input_name, e))?;
                    uncovered.extend(rendered.uncovered);
                    not_embedded.extend(rendered.not_embedded);
                    ("docx", rendered.bytes)
                }
                ConvertFormat::Epub => {
                    if typesetter.is_none() {
                        typesetter = Some(crate::write::Typesetter::new(args.fonts.book()?));
                    }
                    let ts = typesetter.as_mut().expect("made above");
                    let rendered = ts
                        .epub(doc, edition)
                        .map_err(|e| Error::new(&input_name, e))?;
                    uncovered.extend(rendered.uncovered);
                    ("epub", rendered.bytes)
                }
                ConvertFormat::Md => ("md", TextFormat::Markdown.render(doc).into_bytes()),
                ConvertFormat::Json => ("json", TextFormat::Json.render(doc).into_bytes()),
                ConvertFormat::Txt => ("txt", TextFormat::Text.render(doc).into_bytes()),
            };
            let path = args.out.join(edition.file_name(&stem, extension));
            if !outputs.iter().any(|(p, _)| p == &path) {
                outputs.push((path, bytes));
            }
        }
    }
    warn_uncovered(&args.input, &uncovered);
    for note in &not_embedded {
        eprintln!("offprint: warning: {}: {note}", args.input.display());
    }
    for (path, _) in &outputs {
        ensure_not_input(path, &[args.input.as_path()])?;
    }
    let mut written: Vec<&Path> = Vec::new();
    for (path, bytes) in &outputs {
        if let Err(e) = write_atomic(path, bytes) {
            // No partial output: what this run wrote goes again.
            for done in written {
                let _ = std::fs::remove_file(done);
            }
            return Err(e);
        }
        written.push(path);
    }
    Ok(())
}

fn run_fonts(args: &FontsArgs) -> Result<(), Error> {
    use crate::fonts::script::{class_of, is_east_asian_lang, Class};
    use crate::fonts::Role;
    let mut book = args.fonts.book()?;
    let mut out = String::new();
    match &book.bundled_dir {
        Some(dir) => out.push_str(&format!("bundled fonts: {}\n", dir.display())),
        None => out.push_str("bundled fonts: not found (set OFFPRINT_FONTS)\n"),
    }
    out.push_str("role     script  face\n");
    for role in [Role::Body, Role::Heading] {
        for (class, name) in [(Class::Latin, "latin"), (Class::Cjk, "cjk")] {
            let face = match book.primary(role, class) {
                Some(id) => {
                    let f = book.face(id);
                    format!("{:<34} {}", f.describe(), f.path.display())
                }
                None => "none".to_string(),
            };
            out.push_str(&format!("{:<8} {:<7} {}\n", role.name(), name, face));
        }
    }
    let mut uncovered = std::collections::BTreeSet::new();
    if let Some(input) = &args.input {
        let raw = open_input(input, &args.read)?;
        let document = clean(&raw).document;
        // Characters set by each face, counted.
        let mut counts: std::collections::BTreeMap<
            usize,
            (usize, std::collections::BTreeSet<char>),
        > = Default::default();
        let mut total = 0usize;
        for section in &document.sections {
            for block in &section.blocks {
                let lang = if block.lang.is_empty() {
                    &section.lang
                } else {
                    &block.lang
                };
                let east_asian = is_east_asian_lang(lang);
                let role = match block.kind {
                    crate::model::BlockKind::Heading { .. } => Role::Heading,
                    _ => Role::Body,
                };
                let marker = match &block.kind {
                    crate::model::BlockKind::ListItem { marker, .. } => marker.as_str(),
                    _ => "",
                };
                for c in marker.chars().chain(block.kind.text().chars()) {
                    if c.is_whitespace() {
                        continue;
                    }
                    total += 1;
                    match book.face_for(role, class_of(c, east_asian), c) {
                        Ok(face) => {
                            let entry = counts.entry(face).or_default();
                            entry.0 += 1;
                            entry.1.insert(c);
                        }
                        Err(u) => {
                            uncovered.insert(u.ch);
                        }
                    }
                }
            }
        }
        out.push_str(&format!(
            "\ncoverage of {}: {} characters\n",
            input.display(),
            total
        ));
        for (face, (n, distinct)) in &counts {
            out.push_str(&format!(
                "  {:<44} {:>6} characters, {:>4} distinct\n",
                book.face(*face).describe(),
                n,
                distinct.len()
            ));
        }
        if uncovered.is_empty() {
            out.push_str("  every character is covered\n");
        } else {
            for &ch in &uncovered {
                out.push_str(&format!("  {}\n", crate::fonts::Uncovered { ch }));
            }
        }
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| Error::io("<stdout>", &e))?;
    if let Some(input) = &args.input {
        warn_uncovered(input, &uncovered);
    }
    Ok(())
}

/// Reads and opens the input, warning about pages that could not be read.
fn open_input(path: &Path, read: &InputArgs) -> Result<RawDoc, Error> {
    let bytes = read_bytes(path)?;
    raw_of(path, &bytes, read)
}

/// Opens an input for typesetting: Markdown that `clean` wrote (and an
/// editor may have corrected) is the document itself; anything else is
/// read and cleaned.
fn open_document(path: &Path, read: &InputArgs) -> Result<crate::model::Document, Error> {
    let bytes = read_bytes(path)?;
    let name = path.display().to_string();
    if let Some(text) = std::str::from_utf8(&bytes)
        .ok()
        .filter(|t| crate::input::markdown::looks_like_markdown(t))
    {
        let mut document =
            crate::input::markdown::read_markdown(text).map_err(|e| Error::new(&name, e))?;
        document.meta.source = Some(crate::input::source_of(&name, &bytes));
        return Ok(document);
    }
    Ok(clean(&raw_of(path, &bytes, read)?).document)
}

fn raw_of(path: &Path, bytes: &[u8], read: &InputArgs) -> Result<RawDoc, Error> {
    let name = path.display().to_string();
    let raw = crate::read_input(&name, bytes, &read.read_options()?)?;
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
