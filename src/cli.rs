//! Command-line interface: argument definitions and the commands they run.

use crate::clean::{clean, Report};
use crate::error::Error;
use crate::export::TextFormat;
use crate::input::RawDoc;
use crate::output::{ensure_not_input, write_atomic};
use crate::ReadOptions;
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Write;
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
    /// The most heap offprint may hold (e.g. 3GiB, 1500MiB): a document that
    /// needs more fails with the reason [default: $OFFPRINT_MEMORY_LIMIT, else 3GiB]
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::memory::parse_size)]
    pub memory_limit: Option<usize>,
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
    /// Write editions of one document or of many: PDF (typeset), DOCX,
    /// EPUB and Markdown, JSON or text, the combined document and one per
    /// language, in parallel, skipping what is up to date.
    #[command(after_help = "Examples:
  offprint convert brief.txt                      every edition as PDF, DOCX and EPUB in .
  offprint convert brief.pdf --out out --to pdf,md
  offprint convert brief.txt --out out --to epub  out/brief.epub, out/brief.en.epub, …
  offprint convert brief.txt --edition en,zh --paper letter
  offprint convert brief.txt --to docx --toc --locale en=en-US
  offprint convert brief.txt --meta title=\"Annual Report\" --meta author=\"A. Writer\"
  offprint convert docs/ --out editions --json summary.json
  offprint convert 'reports/**/*.pdf' --out editions --jobs 4
  offprint convert docs/ --out editions --shard 2/3      the second of three shares

Files: DIR/<folder>/<stem>.<ext> for the combined edition, DIR/<folder>/<stem>.<lang>.<ext>
for each language, where <folder> is the input's folder relative to the common root of
the inputs. Each document's files are all made first, then written (each whole or not at
all); one document's failure does not stop the others (unless --fail-fast).
DIR/.offprint-manifest.json records what was made from what, so that a run skips the
inputs whose outputs are up to date (--force converts them again). A run stopped by
Ctrl-C or SIGTERM (exit 130, 143) leaves no temporary file, and its journal
(DIR/.offprint-manifest.jsonl) lets the next run skip the documents it had finished.

Settings: offprint.toml in the input folders (from the root of the inputs down), or
--config FILE instead; then <stem>.toml next to the input; then --meta. Keys: title,
authors, publisher, rights, date, paper, [region] (en = \"en-GB\"), [fonts] (dirs, body,
heading, body-cjk, heading-cjk).

Exit codes: 0 every input converted or up to date, 1 an input failed, 2 usage error.")]
    Convert(Box<ConvertArgs>),
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
    /// Inputs: files (a PDF, or extracted text), folders (searched
    /// recursively for PDFs, .txt and offprint .md files), or glob patterns
    /// such as 'docs/**/*.pdf' (quote them: offprint expands them itself);
    /// `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Formats, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMATS",
        default_value = "pdf,docx,epub"
    )]
    pub to: Vec<ConvertFormat>,
    /// Editions, comma-separated: `combined`, language tags (`en,zh`), or `all`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "all",
        value_name = "EDITIONS"
    )]
    pub edition: Vec<String>,
    /// Folder to write into (created if missing); the inputs' folders are
    /// mirrored under it.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Set a setting, over the configuration files: title, author
    /// (repeatable), date (YYYY-MM-DD), publisher, rights, region (en-GB),
    /// paper, font.body, font.heading, font.body-cjk, font.heading-cjk.
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Paper size of PDF and DOCX editions [default: a4, or as configured].
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
    /// DOCX editions open with a table of contents.
    #[arg(long)]
    pub toc: bool,
    /// The locale a bare language tag is given in DOCX editions (repeatable;
    /// defaults: en=en-GB, fr=fr-FR, es=es-ES, zh=zh-CN). A configured
    /// region (`--meta region=en-US`) retags the document itself, in every format.
    #[arg(long = "locale", value_name = "LANG=LOCALE")]
    pub locales: Vec<String>,
    /// Settings file used instead of the folders' offprint.toml files.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Documents converted at once [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Stop at the first input that fails (documents under way finish).
    #[arg(long)]
    pub fail_fast: bool,
    /// Convert every input, even those whose outputs are up to date.
    #[arg(long)]
    pub force: bool,
    /// Convert only the K-th of N shares of the inputs (by a hash of their
    /// relative paths): N machines with 1/N … N/N together convert them all.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::batch::Shard>,
    /// Write a JSON summary of the run (`-` for standard output): each
    /// input's outputs with sizes and SHA-256, warnings, errors and timings.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Print errors only.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every output file, minor warnings and the total.
    #[arg(short, long)]
    pub verbose: bool,
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

impl ConvertFormat {
    /// The name on the command line (`pdf`).
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

impl std::fmt::Display for ConvertFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// 210 × 297 mm
    A4,
    /// 8.5 × 11 in
    Letter,
}

impl From<PaperArg> for crate::config::PaperName {
    fn from(paper: PaperArg) -> Self {
        match paper {
            PaperArg::A4 => crate::config::PaperName::A4,
            PaperArg::Letter => crate::config::PaperName::Letter,
        }
    }
}

/// How to open the input, shared by the commands that read one.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Password of an encrypted PDF (not needed when the user password is empty).
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Give up on a PDF whose text takes longer than this to read, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 120.0,
        allow_negative_numbers = true
    )]
    pub time_limit: f64,
}

impl InputArgs {
    fn read_options(&self) -> Result<ReadOptions, Error> {
        let time_limit = std::time::Duration::try_from_secs_f64(self.time_limit)
            .ok()
            .filter(|limit| !limit.is_zero())
            .ok_or_else(|| Error::usage("--time-limit", "must be a positive number of seconds"))?;
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

/// Runs a parsed command line, printing its errors, and gives its exit
/// code: 0 success, 1 an input failed, 2 usage error.
/// A command-line parse error in offprint's form: one `offprint: error: …` line,
/// then the parser's tips and the usage line as hints.
pub fn usage_error(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut message = Vec::new();
    let mut hints = Vec::new();
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("tip:") || line.starts_with("Usage:") {
            hints.push(line.to_string());
        } else if !line.starts_with("For more information") {
            message.push(line.trim_start_matches("error:").trim());
        }
    }
    let mut out = format!("offprint: error: {}\n", message.join(" "));
    for hint in hints {
        out.push_str(&format!("  {hint}\n"));
    }
    out.push_str("  (see `offprint --help`, or `offprint COMMAND --help`)\n");
    out
}

pub fn run(cli: Cli) -> u8 {
    match memory_limit(cli.memory_limit) {
        Ok(limit) => crate::memory::set_limit(limit),
        Err(error) => {
            eprintln!("offprint: error: {error}");
            return error.exit_code();
        }
    }
    let result = match cli.command {
        Command::Clean(args) => run_clean(&args).map(|()| true),
        Command::Extract(args) => run_extract(&args).map(|()| true),
        Command::Convert(args) => run_convert(&args),
        Command::Fonts(args) => run_fonts(&args).map(|()| true),
    };
    match result {
        Ok(true) => 0,
        // Each failed input has been reported already.
        Ok(false) => 1,
        Err(error) => {
            eprintln!("offprint: error: {error}");
            error.exit_code()
        }
    }
}

/// The memory limit: `--memory-limit`, else `OFFPRINT_MEMORY_LIMIT`, else the default.
fn memory_limit(option: Option<usize>) -> Result<usize, Error> {
    if let Some(limit) = option {
        return Ok(limit);
    }
    match std::env::var("OFFPRINT_MEMORY_LIMIT") {
        Ok(text) => {
            crate::memory::parse_size(&text).map_err(|e| Error::usage("OFFPRINT_MEMORY_LIMIT", e))
        }
        Err(_) => Ok(crate::memory::DEFAULT_LIMIT),
    }
}

/// Applies `--meta key=value` settings to the document's metadata.
pub fn apply_meta(meta: &mut crate::model::Meta, settings: &[String]) -> Result<(), Error> {
    let settings =
        crate::config::Settings::from_meta_args(settings).map_err(|e| Error::usage("--meta", e))?;
    settings.apply_meta(meta);
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
            vec![Edition::parse(name).map_err(|e| Error::usage("--edition", e))?]
        };
        for e in more {
            if !editions.contains(&e) {
                editions.push(e);
            }
        }
    }
    Ok(editions)
}

/// What one document's conversion needs besides its bytes.
pub struct DocumentOptions<'a> {
    pub formats: &'a [ConvertFormat],
    /// `all`, `combined` or language tags.
    pub editions: &'a [String],
    /// Its settings: configuration, sidecar and `--meta`, resolved.
    pub settings: &'a crate::config::Settings,
    /// Paper, contents and locales (the PDF editions take the paper too).
    pub docx: crate::write::docx::DocxOptions,
    pub read: &'a ReadOptions,
    /// A fresh font database (asked for only when a format typesets).
    pub fonts:
        &'a (dyn Fn(&crate::config::Settings) -> Result<crate::fonts::FontBook, Error> + Sync),
}

/// Converts one document: input bytes → document → editions → formats →
/// bytes. Hands each file to `emit` as soon as it is made, named `<stem>.<ext>`
/// (combined) and `<stem>.<lang>.<ext>`, and returns what it noticed. `name` is
/// the input as the user named it (for messages and the model's source).
pub fn convert_document(
    name: &str,
    bytes: &[u8],
    stem: &str,
    options: &DocumentOptions,
    emit: &mut crate::batch::OutputSink,
) -> Result<Vec<crate::batch::Warning>, Error> {
    use crate::batch::{OutputFile, Warning};
    let (mut document, mut warnings) = read_document(name, bytes, options.read)?;
    options.settings.apply_meta(&mut document.meta);
    options.settings.apply_regions(&mut document);
    let editions = editions_of(&document, options.editions)?;
    let mut selected = Vec::new();
    for edition in &editions {
        let doc = crate::edition::select(&document, edition).map_err(|e| Error::new(name, e))?;
        selected.push((edition, doc));
    }
    let mut names = std::collections::BTreeSet::new();
    let mut uncovered = std::collections::BTreeSet::new();
    let mut not_embedded = std::collections::BTreeSet::new();
    let mut typesetter: Option<crate::write::Typesetter> = None;
    for format in options.formats {
        for (edition, doc) in &selected {
            let (extension, bytes) = match format {
                ConvertFormat::Pdf => {
                    let rendered = typesetter_of(&mut typesetter, options)?
                        .pdf(doc, edition, options.docx.paper)
                        .map_err(|e| Error::new(name, e))?;
                    uncovered.extend(rendered.uncovered);
                    ("pdf", rendered.bytes)
                }
                ConvertFormat::Docx => {
                    let rendered = typesetter_of(&mut typesetter, options)?
                        .docx(doc, edition, &options.docx)
                        .map_err(|e| Error::new(name, e))?;
                    uncovered.extend(rendered.uncovered);
                    not_embedded.extend(rendered.not_embedded);
                    ("docx", rendered.bytes)
                }
                ConvertFormat::Epub => {
                    let rendered = typesetter_of(&mut typesetter, options)?
                        .epub(doc, edition)
                        .map_err(|e| Error::new(name, e))?;
                    uncovered.extend(rendered.uncovered);
                    ("epub", rendered.bytes)
                }
                ConvertFormat::Md => ("md", TextFormat::Markdown.render(doc).into_bytes()),
                ConvertFormat::Json => ("json", TextFormat::Json.render(doc).into_bytes()),
                ConvertFormat::Txt => ("txt", TextFormat::Text.render(doc).into_bytes()),
            };
            let file_name = edition.file_name(stem, extension);
            if names.insert(file_name.clone()) {
                emit(OutputFile {
                    name: file_name,
                    format: format.name(),
                    edition: edition.label(),
                    bytes,
                })?;
            }
        }
    }
    for ch in uncovered {
        warnings.push(Warning::new(
            "missing-glyph",
            crate::fonts::Uncovered { ch }.to_string(),
        ));
    }
    for note in not_embedded {
        warnings.push(Warning::new("font-not-embedded", note));
    }
    Ok(warnings)
}

/// The document's typesetter, made (and its fonts read) the first time a
/// format typesets.
fn typesetter_of<'t>(
    slot: &'t mut Option<crate::write::Typesetter>,
    options: &DocumentOptions,
) -> Result<&'t mut crate::write::Typesetter, Error> {
    if slot.is_none() {
        *slot = Some(crate::write::Typesetter::new((options.fonts)(
            options.settings,
        )?));
    }
    Ok(slot.as_mut().expect("made above"))
}

/// The document of an input's bytes, and the warnings of reading it (pages
/// lost, hyphens left undecided): Markdown that `clean` wrote (and an editor
/// may have corrected) is the document itself; anything else is read and
/// cleaned.
fn read_document(
    name: &str,
    bytes: &[u8],
    read: &ReadOptions,
) -> Result<(crate::model::Document, Vec<crate::batch::Warning>), Error> {
    use crate::batch::Warning;
    if let Some(text) = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| crate::input::markdown::looks_like_markdown(t))
    {
        let mut document =
            crate::input::markdown::read_markdown(text).map_err(|e| Error::new(name, e))?;
        document.meta.source = Some(crate::input::source_of(name, bytes));
        return Ok((document, Vec::new()));
    }
    let raw = crate::read_input(name, bytes, read)?;
    let mut warnings = reading_warnings(&raw);
    let cleaned = clean(&raw);
    if let Some(why) = cleaned.emptied(&raw) {
        return Err(Error::new(name, why));
    }
    for edit in cleaned
        .report
        .of_kind(crate::clean::EditKind::HyphenUndecided)
    {
        warnings.push(Warning {
            pages: vec![edit.page],
            line: Some(edit.line),
            ..Warning::new(
                "undecided-hyphen",
                format!(
                    "hyphen kept in {:?} (page {}, line {}): nothing decides whether it belongs to the word",
                    edit.after, edit.page, edit.line
                ),
            )
        });
    }
    Ok((cleaned.document, warnings))
}

/// What reading a document noticed: pages lost, glyphs that gave no text
/// (one warning a page), text read through a character collection (minor).
fn reading_warnings(raw: &RawDoc) -> Vec<crate::batch::Warning> {
    use crate::batch::Warning;
    use crate::input::pdf::thousands;
    let mut warnings = Vec::new();
    if !raw.lost_pages.is_empty() {
        let pages: Vec<String> = raw.lost_pages.iter().map(usize::to_string).collect();
        warnings.push(Warning {
            pages: raw.lost_pages.clone(),
            ..Warning::new(
                "lost-pages",
                format!(
                    "page(s) {} could not be read in full; their text may be incomplete",
                    pages.join(", ")
                ),
            )
        });
    }
    for unmapped in &raw.unmapped {
        let fonts = if unmapped.fonts.is_empty() {
            String::new()
        } else {
            format!(" ({})", unmapped.fonts.join(", "))
        };
        warnings.push(Warning {
            pages: vec![unmapped.page],
            ..Warning::new(
                "unmapped-glyphs",
                format!(
                    "page {}: {} glyph{} in fonts without a Unicode map{fonts} could not be read as text",
                    unmapped.page,
                    thousands(unmapped.count),
                    if unmapped.count == 1 { "" } else { "s" },
                ),
            )
        });
    }
    for recovered in &raw.recovered {
        warnings.push(Warning::new(
            "recovered-text",
            format!(
                "{} glyph{} in fonts without a Unicode map read through the {} character collection",
                thousands(recovered.glyphs),
                if recovered.glyphs == 1 { "" } else { "s" },
                recovered.collection
            ),
        ));
    }
    warnings
}

/// Fresh font databases for documents: each distinct choice of fonts is
/// read once, and every document starts from a clone of it (sharing the
/// font bytes), so no document's fonts depend on which went before.
#[derive(Default)]
struct FontCache {
    books: std::sync::Mutex<
        Vec<(
            crate::fonts::FontOptions,
            Result<crate::fonts::FontBook, Error>,
        )>,
    >,
}

impl FontCache {
    fn book(&self, options: &crate::fonts::FontOptions) -> Result<crate::fonts::FontBook, Error> {
        let mut books = self.books.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, book)) = books.iter().find(|(o, _)| o == options) {
            return book.clone();
        }
        let book = crate::fonts::FontBook::new(options);
        books.push((options.clone(), book.clone()));
        book
    }
}

/// `offprint convert`'s [`crate::batch::Converter`]: the command line's options.
struct CommandConverter<'a> {
    args: &'a ConvertArgs,
    read: ReadOptions,
    /// `--locale`, read once.
    locales: crate::write::docx::Locales,
    fonts: FontCache,
}

impl CommandConverter<'_> {
    fn paper(&self, settings: &crate::config::Settings) -> crate::config::PaperName {
        self.args
            .paper
            .map(Into::into)
            .or(settings.paper)
            .unwrap_or(crate::config::PaperName::A4)
    }

    fn font_options(&self, settings: &crate::config::Settings) -> crate::fonts::FontOptions {
        let mut font_dirs = self.args.fonts.font_dirs.clone();
        font_dirs.extend(settings.fonts.dirs.iter().flatten().cloned());
        crate::fonts::FontOptions {
            font_dirs,
            system_fonts: !self.args.fonts.no_system_fonts,
            // `--font` over the configuration's choices.
            families: settings
                .fonts
                .families()
                .into_iter()
                .chain(self.args.fonts.fonts.iter().cloned())
                .collect(),
        }
    }
}

impl crate::batch::Converter for CommandConverter<'_> {
    fn options(&self, settings: &crate::config::Settings) -> serde_json::Value {
        let fonts = self.font_options(settings);
        serde_json::json!({
            "formats": self.args.to.iter().map(|f| f.name()).collect::<Vec<_>>(),
            "editions": self.args.edition,
            "paper": self.paper(settings),
            "settings": settings,
            "font_dirs": fonts.font_dirs,
            "system_fonts": fonts.system_fonts,
            "font_families": fonts
                .families
                .iter()
                .map(|((role, class), family)| format!("{}.{}={family}", role.name(), class.name()))
                .collect::<Vec<_>>(),
            "toc": self.args.toc,
            "locales": self.args.locales,
            "source_date_epoch": std::env::var("SOURCE_DATE_EPOCH").ok(),
        })
    }

    fn convert(
        &self,
        name: &str,
        bytes: &[u8],
        stem: &str,
        settings: &crate::config::Settings,
        emit: &mut crate::batch::OutputSink,
    ) -> Result<Vec<crate::batch::Warning>, Error> {
        let fonts =
            |settings: &crate::config::Settings| self.fonts.book(&self.font_options(settings));
        convert_document(
            name,
            bytes,
            stem,
            &DocumentOptions {
                formats: &self.args.to,
                editions: &self.args.edition,
                settings,
                docx: crate::write::docx::DocxOptions {
                    paper: self.paper(settings).paper(),
                    toc: self.args.toc,
                    locales: self.locales.clone(),
                },
                read: &self.read,
                fonts: &fonts,
            },
            emit,
        )
    }
}

/// `offprint convert`: checks the command line (usage errors stop before
/// anything is read), then runs the batch. `Ok(false)`: an input failed.
fn run_convert(args: &ConvertArgs) -> Result<bool, Error> {
    let read = args.read.read_options()?;
    let meta = crate::config::Settings::from_meta_args(&args.meta)
        .map_err(|e| Error::usage("--meta", e))?;
    for name in &args.edition {
        if name.trim() != "all" {
            crate::edition::Edition::parse(name).map_err(|e| Error::usage("--edition", e))?;
        }
    }
    if args.out.exists() && !args.out.is_dir() {
        return Err(Error::usage(
            args.out.display().to_string(),
            "--out is a file, not a folder",
        ));
    }
    for dir in &args.fonts.font_dirs {
        if !dir.is_dir() {
            return Err(Error::usage(
                dir.display().to_string(),
                "--font-dir is not a folder",
            ));
        }
    }
    crate::fonts::env_font_dir()?;
    let config = match &args.config {
        Some(path) => Some(
            crate::config::Settings::load(path)
                .map_err(|e| Error::usage(path.display().to_string(), e))?,
        ),
        None => None,
    };
    let verbosity = if args.quiet {
        crate::batch::progress::Verbosity::Quiet
    } else if args.verbose {
        crate::batch::progress::Verbosity::Verbose
    } else {
        crate::batch::progress::Verbosity::Normal
    };
    let jobs = match args.jobs {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let options = crate::batch::BatchOptions {
        inputs: args.inputs.clone(),
        out: args.out.clone(),
        jobs,
        fail_fast: args.fail_fast,
        force: args.force,
        shard: args.shard,
        verbosity,
        json: args.json.clone(),
        config,
        meta,
    };
    let mut locales = crate::write::docx::Locales::default();
    for setting in &args.locales {
        let (lang, locale) = setting.split_once('=').unwrap_or((setting, ""));
        locales
            .set(lang.trim(), locale.trim())
            .map_err(|e| Error::usage("--locale", e))?;
    }
    let converter = CommandConverter {
        args,
        read,
        locales,
        fonts: FontCache::default(),
    };
    crate::batch::run(&options, &converter)
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

fn run_fonts(args: &FontsArgs) -> Result<(), Error> {
    use crate::fonts::script::{class_of, is_east_asian_lang, Class};
    use crate::fonts::Role;
    let mut book = args.fonts.book()?;
    let mut out = String::new();
    out.push_str("bundled fonts: compiled in\n");
    if let Some(dir) = crate::fonts::env_font_dir()? {
        out.push_str(&format!("OFFPRINT_FONTS: {}\n", dir.display()));
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
    let bytes = crate::input::read_file(path)?;
    raw_of(path, &bytes, read)
}

fn raw_of(path: &Path, bytes: &[u8], read: &InputArgs) -> Result<RawDoc, Error> {
    let name = path.display().to_string();
    let raw = crate::read_input(&name, bytes, &read.read_options()?)?;
    for warning in reading_warnings(&raw) {
        let label = if warning.is_minor() {
            "note"
        } else {
            "warning"
        };
        eprintln!("offprint: {label}: {name}: {}", warning.message);
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
    let _working = crate::memory::WorkingOn::new(&args.input.display().to_string());
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
    let _working = crate::memory::WorkingOn::new(&args.input.display().to_string());
    let raw = open_input(&args.input, &args.read)?;
    let cleaned = clean(&raw);
    if let Some(why) = cleaned.emptied(&raw) {
        return Err(Error::new(args.input.display().to_string(), why));
    }
    // Each stage's data goes as soon as the next is made: for a long text the
    // source lines, the document, its rendering and the report are each about
    // its size, and need not be held at once.
    drop(raw);
    let crate::clean::Cleaned { document, report } = cleaned;
    let rendered = TextFormat::from(args.to).render(&document);
    drop(document);
    // The report comes last, and only once the output is in place, so that
    // a failure leaves neither behind.
    if let Some(report_path) = &args.report {
        ensure_not_input(report_path, &[args.input.as_path()])?;
    }
    emit(args.output.as_deref(), &args.input, rendered.as_bytes())?;
    drop(rendered);
    if let Some(report_path) = &args.report {
        if let Err(error) = write_atomic(report_path, report_json(&report).as_bytes()) {
            if let Some(output) = &args.output {
                let _ = std::fs::remove_file(output);
            }
            return Err(error);
        }
    }
    Ok(())
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
    // About 150 bytes of JSON an edit besides its texts: reserved at once, a long
    // document's report is not copied as it grows.
    let size: usize = report
        .edits
        .iter()
        .map(|e| 150 + e.before.len() + e.after.len())
        .sum();
    let mut out = Vec::with_capacity(size);
    serde_json::to_writer_pretty(
        &mut out,
        &Versioned {
            format: "offprint-report",
            version: 1,
            counts: report.counts(),
            edits: &report.edits,
        },
    )
    .expect("the report always serialises");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
