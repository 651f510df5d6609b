//! Command-line interface: argument definitions and the commands they run.

use crate::clean::clean;
use crate::error::Error;
use crate::format::{Format, Writer};
use crate::input::RawDoc;
use crate::output::{ensure_not_input, write_atomic};
use crate::pipeline::{reading_warnings, ConvertOptions, Made, Warning};
use crate::ReadOptions;
use clap::{Parser, Subcommand, ValueEnum};
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
    /// List the formats offprint writes and, for an input, the editions it
    /// would give.
    #[command(after_help = "Examples:
  offprint formats                                the formats and their extensions
  offprint formats brief.pdf                      and the editions of brief.pdf")]
    Formats(FormatsArgs),
    /// Print the completions of a shell (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Examples:
  offprint completions bash > ~/.local/share/bash-completion/completions/offprint
  offprint completions zsh > ~/.zfunc/_offprint")]
    Completions { shell: clap_complete::Shell },
    /// Print the man page of offprint or of one of its commands (roff).
    #[command(after_help = "Examples:
  offprint man | man -l -
  offprint man convert > offprint-convert.1")]
    Man {
        /// The command (`convert`, `clean`, …); offprint itself if absent.
        command: Option<String>,
    },
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
    /// Formats, comma-separated: pdf, docx, epub, md, json, txt [default:
    /// pdf,docx,epub; with -o FILE, the format of its extension].
    #[arg(short = 't', long, value_delimiter = ',', value_name = "FORMATS", value_parser = parse_format)]
    pub to: Vec<Format>,
    /// Write one edition to FILE (its format from the extension, or -t;
    /// `-` for standard output) instead of every edition into a folder.
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with_all = ["out", "json", "shard", "jobs", "force", "fail_fast"])]
    pub output: Option<PathBuf>,
    /// Editions, comma-separated: `combined`, language tags (`en,zh`), or `all`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "all",
        value_name = "EDITIONS"
    )]
    pub edition: Vec<String>,
    /// Folder to write into (created if missing); the inputs' folders are
    /// mirrored under it [default: .].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the edit report of each cleaned input: into DIR (as
    /// `<stem>.report.json`, the inputs' folders mirrored), or, with -o, to FILE.
    #[arg(long, value_name = "DIR|FILE")]
    pub report: Option<PathBuf>,
    /// A language edition asked for with --edition that a document lacks
    /// fails it (without, the document is converted with a warning).
    #[arg(long)]
    pub strict: bool,
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

#[derive(Debug, clap::Args)]
pub struct FormatsArgs {
    /// An input whose editions to list (PDF, extracted text or Markdown).
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub read: InputArgs,
}

/// A format named on the command line, from the registry.
fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

/// A text format named for `clean --to`.
fn parse_text_format(text: &str) -> Result<Format, String> {
    let format = parse_format(text)?;
    match format.writer() {
        Writer::Text(_) => Ok(format),
        Writer::Typeset(_) => Err(format!(
            "clean writes md, json or txt; for {format}, use `offprint convert -t {format}`"
        )),
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
    /// Output format: md, json or txt.
    #[arg(short = 't', long, default_value = "md", value_parser = parse_text_format)]
    pub to: Format,
    /// Write the edit report (every removal, join and hyphen decision) as
    /// JSON; `-` for standard output (then give the text -o FILE).
    #[arg(long, value_name = "REPORT.json")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub read: InputArgs,
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
        Command::Formats(args) => run_formats(&args).map(|()| true),
        Command::Completions { shell } => print(&completions(shell)).map(|()| true),
        Command::Man { command } => man_page(command.as_deref())
            .and_then(|page| print(&page))
            .map(|()| true),
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
    /// The editions asked for (with `-o`, the one edition).
    editions: Vec<String>,
    /// `--to`, or its default (with `-o`, the one format).
    formats: Vec<Format>,
    /// `SOURCE_DATE_EPOCH`, read once.
    created: i64,
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
            "formats": self.formats.iter().map(|f| f.name()).collect::<Vec<_>>(),
            "editions": self.args.edition,
            "strict": self.args.strict,
            "report": self.args.report.is_some(),
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
            "created": self.created,
        })
    }

    fn convert(
        &self,
        name: &str,
        bytes: &[u8],
        stem: &str,
        settings: &crate::config::Settings,
        emit: &mut crate::batch::OutputSink,
    ) -> Result<Vec<Warning>, Error> {
        let fonts =
            |settings: &crate::config::Settings| self.fonts.book(&self.font_options(settings));
        crate::pipeline::convert(
            name,
            bytes,
            stem,
            &ConvertOptions {
                formats: &self.formats,
                editions: &self.editions,
                // `-o FILE` asks for the one edition it writes.
                strict: self.args.strict || self.args.output.is_some(),
                report: self.args.report.is_some(),
                settings,
                write: crate::write::WriteOptions {
                    paper: self.paper(settings).paper(),
                    toc: self.args.toc,
                    locales: self.locales.clone(),
                    created: self.created,
                },
                read: &self.read,
                fonts: &fonts,
            },
            emit,
        )
    }
}

/// The date every edition is made at: `SOURCE_DATE_EPOCH` when it holds a
/// valid one, else a fixed date (never the clock).
fn source_date() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| crate::write::source_date(&value))
        .unwrap_or(crate::write::FIXED_DATE)
}

/// `-` where only a file or folder can be named: refused with what to do.
fn refuse_dash(path: Option<&Path>, option: &str, instead: &str) -> Result<(), Error> {
    match path {
        Some(path) if path.as_os_str() == "-" => Err(Error::usage(option, instead)),
        _ => Ok(()),
    }
}

/// `offprint convert`: checks the command line (usage errors stop before
/// anything is read), then converts one edition to a file (`-o`) or runs
/// the batch. `Ok(false)`: an input failed.
fn run_convert(args: &ConvertArgs) -> Result<bool, Error> {
    let read = args.read.read_options()?;
    let meta = crate::config::Settings::from_meta_args(&args.meta)
        .map_err(|e| Error::usage("--meta", e))?;
    for name in &args.edition {
        if name.trim() != "all" {
            crate::edition::Edition::parse(name).map_err(|e| Error::usage("--edition", e))?;
        }
    }
    refuse_dash(
        args.out.as_deref(),
        "--out",
        "is a folder; to write one edition to standard output, use -o - -t FORMAT",
    )?;
    refuse_dash(
        args.config.as_deref(),
        "--config",
        "takes a settings file, not standard input",
    )?;
    if let Some(out) = args
        .out
        .as_deref()
        .filter(|out| out.exists() && !out.is_dir())
    {
        return Err(Error::usage(
            out.display().to_string(),
            "--out is a file, not a folder (to write one edition to a file, use -o FILE)",
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
    let mut locales = crate::write::docx::Locales::default();
    for setting in &args.locales {
        let (lang, locale) = setting.split_once('=').unwrap_or((setting, ""));
        locales
            .set(lang.trim(), locale.trim())
            .map_err(|e| Error::usage("--locale", e))?;
    }
    let mut converter = CommandConverter {
        args,
        read,
        locales,
        editions: args.edition.clone(),
        formats: if args.to.is_empty() {
            vec![Format::Pdf, Format::Docx, Format::Epub]
        } else {
            args.to.clone()
        },
        created: source_date(),
        fonts: FontCache::default(),
    };
    if let Some(output) = &args.output {
        return run_convert_one(&mut converter, output, config.as_ref(), &meta);
    }
    refuse_dash(
        args.report.as_deref(),
        "--report",
        "takes a folder in a batch; for one document's report on standard output, use `offprint clean --report -`",
    )?;
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
        out: args.out.clone().unwrap_or_else(|| PathBuf::from(".")),
        jobs,
        fail_fast: args.fail_fast,
        force: args.force,
        shard: args.shard,
        verbosity,
        json: args.json.clone(),
        config,
        meta,
        reports: args.report.clone(),
    };
    crate::batch::run(&options, &converter)
}

/// The one format and edition of `convert -o FILE`.
fn single_output(args: &ConvertArgs, output: &Path) -> Result<(Format, String), Error> {
    let to_stdout = output.as_os_str() == "-";
    let format = match (args.to.as_slice(), Format::of_path(output)) {
        ([format], _) => *format,
        ([], Some(format)) if !to_stdout => format,
        ([], _) if to_stdout => {
            return Err(Error::usage(
                "-o -",
                format!("name the format to write with -t ({})", Format::names()),
            ))
        }
        ([], _) => {
            return Err(Error::usage(
                output.display().to_string(),
                format!(
                    "no format has this extension; name one with -t ({})",
                    Format::names()
                ),
            ))
        }
        _ => return Err(Error::usage("-t", "-o writes one format; name only one")),
    };
    let edition = match args.edition.as_slice() {
        [all] if all.trim() == "all" => "combined".to_string(),
        [one] => one.trim().to_string(),
        _ => {
            return Err(Error::usage(
                "--edition",
                "-o writes one edition; name only one, or write them all with --out DIR",
            ))
        }
    };
    Ok((format, edition))
}

/// `convert IN -o FILE`: one edition of one input, written to FILE (whole or
/// not at all) or to standard output, its report to `--report FILE`.
fn run_convert_one(
    converter: &mut CommandConverter,
    output: &Path,
    config: Option<&crate::config::Settings>,
    meta: &crate::config::Settings,
) -> Result<bool, Error> {
    let args = converter.args;
    let [input] = args.inputs.as_slice() else {
        return Err(Error::usage(
            "-o",
            "writes one edition of one input; for several inputs, use --out DIR",
        ));
    };
    let (format, edition) = single_output(args, output)?;
    converter.editions = vec![edition];
    let report = args.report.as_deref();
    if report.is_some_and(|r| r.as_os_str() == "-") && output.as_os_str() == "-" {
        return Err(Error::usage(
            "--report -",
            "standard output already takes the edition; write the report to a file",
        ));
    }
    let input_path = Path::new(input);
    let settings = crate::batch::settings_of_file(input_path, config, meta)
        .map_err(|e| Error::usage("settings", e))?;
    let _working = crate::memory::WorkingOn::new(input);
    let bytes = crate::input::read_file(input_path)?;
    let stem = crate::batch::output_stem(input_path);
    let mut edition_bytes = None;
    let mut report_bytes = None;
    converter.formats = vec![format];
    let warnings = crate::batch::Converter::convert(
        converter,
        input,
        &bytes,
        &stem,
        &settings,
        &mut |file| {
            match file.made {
                Made::Edition { .. } => edition_bytes = Some(file.bytes),
                Made::Report => report_bytes = Some(file.bytes),
            }
            Ok(())
        },
    )?;
    drop(bytes);
    for warning in &warnings {
        if !warning.is_minor() || args.verbose {
            let label = if warning.is_minor() {
                "note"
            } else {
                "warning"
            };
            eprintln!("offprint: {label}: {input}: {}", warning.message);
        }
    }
    let edition_bytes = edition_bytes.ok_or_else(|| Error::new(input, "no edition was made"))?;
    emit(Some(output), input_path, &edition_bytes)?;
    if let (Some(path), Some(bytes)) = (report, report_bytes) {
        if let Err(error) = emit(Some(path), input_path, &bytes) {
            if output.as_os_str() != "-" {
                let _ = std::fs::remove_file(output);
            }
            return Err(error);
        }
    }
    Ok(true)
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
                let lang = section.lang_of(block);
                let east_asian = is_east_asian_lang(lang);
                let role = match block.kind {
                    crate::model::BlockKind::Heading { .. } => Role::Heading,
                    _ => Role::Body,
                };
                for c in block.kind.plain_text().chars() {
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

/// Writes `bytes` to `output` (never an input) or, when it is absent or
/// `-`, to standard output.
fn emit(output: Option<&Path>, input: &Path, bytes: &[u8]) -> Result<(), Error> {
    match output.filter(|path| path.as_os_str() != "-") {
        Some(path) => {
            ensure_not_input(path, &[input])?;
            write_atomic(path, bytes)
        }
        None => print(bytes),
    }
}

/// Writes `bytes` to standard output.
fn print(bytes: &[u8]) -> Result<(), Error> {
    std::io::stdout()
        .lock()
        .write_all(bytes)
        .map_err(|e| Error::io("<stdout>", &e))
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
    let to_stdout = |path: Option<&Path>| path.is_none_or(|p| p.as_os_str() == "-");
    if args.report.is_some()
        && to_stdout(args.report.as_deref())
        && to_stdout(args.output.as_deref())
    {
        return Err(Error::usage(
            "--report -",
            "standard output already takes the text; give it -o FILE, or the report a file",
        ));
    }
    let Writer::Text(render) = args.to.writer() else {
        return Err(Error::usage("--to", "clean writes md, json or txt"));
    };
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
    let rendered = render(&document);
    drop(document);
    // The report comes last, and only once the output is in place, so that
    // a failure leaves neither behind.
    if let Some(report_path) = args.report.as_deref().filter(|p| !to_stdout(Some(p))) {
        ensure_not_input(report_path, &[args.input.as_path()])?;
    }
    emit(args.output.as_deref(), &args.input, rendered.as_bytes())?;
    drop(rendered);
    if let Some(report_path) = &args.report {
        if let Err(error) = emit(Some(report_path), &args.input, report.to_json().as_bytes()) {
            if let Some(output) = args.output.as_deref().filter(|p| !to_stdout(Some(p))) {
                let _ = std::fs::remove_file(output);
            }
            return Err(error);
        }
    }
    Ok(())
}

/// `offprint formats [INPUT]`: the registry, and an input's editions.
fn run_formats(args: &FormatsArgs) -> Result<(), Error> {
    let mut out = String::from("format  extension  what\n");
    for format in Format::ALL {
        out.push_str(&format!(
            "{:<7} .{:<9} {}\n",
            format.name(),
            format.extension(),
            format.summary()
        ));
    }
    out.push_str(
        "\neditions: combined (every section), or one per language: --edition en,zh, or all\n",
    );
    if let Some(input) = &args.input {
        let name = input.display().to_string();
        let bytes = crate::input::read_file(input)?;
        let prepared = crate::Prepared::read(&name, &bytes, &args.read.read_options()?)?;
        let chosen = crate::pipeline::editions(&prepared.document, &["all".to_string()])?;
        out.push_str(&format!("\neditions of {name}:\n"));
        let stem = crate::batch::output_stem(input);
        for (edition, _) in &chosen.editions {
            out.push_str(&format!(
                "  {:<9} {}\n",
                edition.label(),
                edition.file_name(&stem, Format::Pdf.extension())
            ));
        }
    }
    print(out.as_bytes())
}

/// The completions of `shell`, from the command line's own definition.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "offprint", &mut out);
    out
}

/// The man page (roff) of offprint, or of one of its commands.
pub fn man_page(command: Option<&str>) -> Result<Vec<u8>, Error> {
    let mut cli = <Cli as clap::CommandFactory>::command();
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => {
            let sub = cli
                .get_subcommands()
                .find(|sub| sub.get_name() == name && name != "help")
                .ok_or_else(|| {
                    Error::usage(
                        "man",
                        format!(
                            "no command {name:?} (commands: {})",
                            command_names().join(", ")
                        ),
                    )
                })?;
            sub.clone()
                .name(format!("offprint-{name}"))
                .bin_name(format!("offprint {name}"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| Error::io("man page", &e))?;
    Ok(out)
}

/// The commands that have a man page of their own.
pub fn command_names() -> Vec<String> {
    <Cli as clap::CommandFactory>::command()
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .filter(|name| name != "help")
        .collect()
}
