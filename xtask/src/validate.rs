//! `cargo xtask validate`: every PDF edition of the brief's extracted text
//! and of the corpus PDFs (`fixtures/corpus/*.lo.pdf`) is written by
//! `offprint convert` and checked with the tools a reader would use:
//!
//! - `qpdf --check`: the file is structurally sound;
//! - `pdffonts`: every font is embedded, subset, and has a ToUnicode map;
//! - `pdftotext` (inside the margins, so without running header and folio):
//!   its text, lines joined (nothing between two CJK characters, a space
//!   elsewhere) and white space collapsed, gives back the model's text with
//!   an accuracy of at least 0.995; no space between two CJK characters that
//!   the model does not have; no line starts with forbidden punctuation.
//!
//! Page images of the brief's combined edition (`pdftoppm -r 80 -png`) go to
//! `target/validate/` to be looked at.
//!
//! Every DOCX edition of the same inputs is read with python-docx
//! (`check_docx.py`): its paragraphs give back the model's text, block by
//! block (list items: the label computed from numbering.xml is the
//! model's marker); every paragraph names a style; each language of the
//! edition is on its runs as `w:lang` (the defaults carry the edition's);
//! every font the styles name is embedded, obfuscated, TrueType, with a
//! cmap, installable. And the embedded fonts are shown to work: LibreOffice
//! renders each Chinese DOCX edition with no CJK font on the system — its
//! fontconfig sees one Latin font only (with none at all it refuses to
//! start) — into a PDF whose fonts are the embedded faces and whose text is
//! the Chinese text; the first page of the brief's is left as
//! `target/validate/docx-zh-page-1.png`. The brief with `--toc` must show
//! its table of contents as entries, not field codes.
//!
//! Every EPUB edition of the same inputs is checked too: epubcheck with
//! warnings as failures, its text, languages and fonts, and a headless
//! Chromium rendering of the brief's Chinese section with no CJK font on
//! the system (see [`crate::validate_epub`]).

mod docx;
mod pandoc;
pub(crate) mod text;

use crate::eval::metrics::{align, distance};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const MIN_ACCURACY: f64 = 0.995;
const NO_LINE_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '」', '』', '》', '”', '’',
];

pub(crate) struct Outcome {
    pub(crate) file: String,
    pub(crate) pages: usize,
    pub(crate) bytes: u64,
    pub(crate) accuracy: f64,
    pub(crate) problems: Vec<String>,
}

/// A fontconfig configuration in `dir` (`dir/fonts.conf`) that knows one
/// font, a copy of `font`: the renderers are checked with no CJK font.
pub(crate) fn one_font_fontconfig(dir: &Path, font: &Path) -> Result<PathBuf, String> {
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).map_err(|e| e.to_string())?;
    std::fs::copy(font, fonts.join(font.file_name().unwrap_or_default()))
        .map_err(|e| format!("cannot copy {}: {e}", font.display()))?;
    let config = dir.join("fonts.conf");
    std::fs::write(
        &config,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  <dir>{}</dir>\n  <cachedir>{}</cachedir>\n</fontconfig>\n",
            fonts.display(),
            dir.join("cache").display()
        ),
    )
    .map_err(|e| e.to_string())?;
    Ok(config)
}

/// One row of a results table: a file, what it holds (pages or
/// documents), its size, how much of the model's text it gives back, and
/// what is wrong with it.
struct Row<'a> {
    file: &'a str,
    count: usize,
    bytes: u64,
    accuracy: f64,
    problems: &'a [String],
}

/// Prints a results table under a heading (with its column width); gives
/// the number of files with problems.
fn print_table<'a>(
    (heading, width): (&str, usize),
    count: &str,
    rows: impl Iterator<Item = Row<'a>>,
) -> usize {
    println!(
        "{heading:<width$} {count:>5} {:>9} {:>9}  problems",
        "bytes", "accuracy"
    );
    let mut failed = 0;
    for row in rows {
        let problems = if row.problems.is_empty() {
            "-".to_string()
        } else {
            row.problems.join("; ")
        };
        println!(
            "{:<width$} {:>5} {:>9} {:>9.4}  {problems}",
            row.file, row.count, row.bytes, row.accuracy
        );
        failed += usize::from(!row.problems.is_empty());
    }
    failed
}

pub fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    if let Some(arg) = args.next() {
        return Err(format!("unknown argument {arg:?}"));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf();
    for tool in ["qpdf", "pdffonts", "pdftotext", "pdftoppm"] {
        if Command::new(tool).arg("-v").output().is_err() {
            return Err(format!(
                "{tool} is missing: apt-get install qpdf poppler-utils"
            ));
        }
    }
    let python_docx = Command::new("python3")
        .args(["-c", "import docx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !python_docx {
        return Err("python-docx is missing: pip install python-docx".into());
    }
    if Command::new("soffice").arg("--version").output().is_err() {
        return Err("LibreOffice is missing: apt-get install -y libreoffice-writer-nogui".into());
    }
    crate::validate_epub::check_tools()?;
    if Command::new("pandoc").arg("--version").output().is_err() {
        return Err("pandoc is missing: apt-get install -y pandoc".into());
    }
    let offprint = crate::eval::build_offprint(&root)?;
    let out = root.join("target/validate");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    // The brief, a Markdown document with every construct of the model, a PDF
    // with emphasis, links and footnotes, and the corpus's LibreOffice PDFs.
    let mut inputs = vec![
        root.join("fixtures/brief/brief.extracted.txt"),
        root.join("fixtures/markdown/constructs.expected.md"),
        root.join("fixtures/rich/rich.latex.pdf"),
    ];
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures/corpus"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".lo.pdf"))
        .collect();
    corpus.sort();
    inputs.extend(corpus);

    let mut outcomes = Vec::new();
    let mut epub_outcomes = Vec::new();
    let mut rendering = Err("the brief's Chinese EPUB edition was not written".to_string());
    for input in &inputs {
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = out.join(&stem);
        let output = Command::new(&offprint)
            .arg("convert")
            .arg(input)
            .args(["--to", "pdf,docx,epub,json,md", "--edition", "all", "--out"])
            .arg(&dir)
            .env("SOURCE_DATE_EPOCH", "1720051200")
            .output()
            .map_err(|e| format!("cannot run offprint: {e}"))?;
        if !output.status.success() {
            outcomes.push(Outcome {
                file: stem.clone(),
                pages: 0,
                bytes: 0,
                accuracy: 0.0,
                problems: vec![format!(
                    "offprint convert failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                )],
            });
            continue;
        }
        let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        pdfs.sort();
        for pdf in pdfs {
            outcomes.push(check(&pdf)?);
        }
        let mut docxs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "docx"))
            .collect();
        docxs.sort();
        outcomes.extend(docx::check_all(&docxs)?);
        for zh in docxs
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".zh.docx"))
        {
            let image = input
                .ends_with("brief.extracted.txt")
                .then(|| out.join("docx-zh-page"));
            outcomes.push(docx::rendered_without_cjk_fonts(
                zh,
                &out,
                image.as_deref(),
            )?);
        }
        let mut epubs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "epub"))
            .collect();
        epubs.sort();
        for epub in epubs {
            let json_path = epub.with_extension("json");
            let json: Value = serde_json::from_slice(
                &std::fs::read(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?,
            )
            .map_err(|e| format!("{}: {e}", json_path.display()))?;
            epub_outcomes.push(crate::validate_epub::check(&epub, &json)?);
        }
        if input.ends_with("brief.extracted.txt") {
            rendering = crate::validate_epub::render_chinese(
                &root,
                &dir.join(format!("{stem}.zh.epub")),
                &out,
            );
        }
        if input.ends_with("brief.extracted.txt") {
            let combined = dir.join(format!("{stem}.pdf"));
            let status = Command::new("pdftoppm")
                .args(["-r", "80", "-png"])
                .arg(&combined)
                .arg(out.join("brief-page"))
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("pdftoppm failed".into());
            }
        }
    }

    outcomes.push(docx::table_of_contents(&offprint, &root, &out)?);

    let rows = outcomes.iter().map(|o| Row {
        file: &o.file,
        count: o.pages,
        bytes: o.bytes,
        accuracy: o.accuracy,
        problems: &o.problems,
    });
    let failed = print_table(("edition", 60), "pages", rows);
    println!("{} passed, {} failed", outcomes.len() - failed, failed);
    println!("page images: {}", out.join("brief-page-*.png").display());
    println!(
        "DOCX rendered by LibreOffice: {}",
        out.join("docx-zh-page-1.png").display()
    );

    println!();
    let rows = epub_outcomes.iter().map(|o| Row {
        file: &o.file,
        count: o.documents,
        bytes: o.bytes,
        accuracy: o.accuracy,
        problems: &o.problems,
    });
    let epub_failed = print_table(("EPUB edition", 52), "docs", rows);
    println!(
        "{} passed, {} failed (epubcheck: 0 errors, 0 warnings required)",
        epub_outcomes.len() - epub_failed,
        epub_failed
    );
    match &rendering {
        Ok(summary) => println!("chromium: {summary}"),
        Err(problem) => println!("chromium: FAILED: {problem}"),
    }
    println!(
        "rendering: {} (and {})",
        out.join("epub-zh-section.png").display(),
        out.join("epub-zh-section-no-embedded-fonts.png").display()
    );
    let invalid = schema_problems(&root, &out)?;
    for problem in &invalid {
        println!("JSON Schema: {problem}");
    }
    let misread = pandoc_problems(&out)?;
    for problem in &misread {
        println!("pandoc: {problem}");
    }
    let failed =
        failed + epub_failed + usize::from(rendering.is_err()) + invalid.len() + misread.len();
    if failed > 0 {
        Err(format!("{failed} check(s) failed validation"))
    } else {
        Ok(())
    }
}

/// Every Markdown export under `out` read by pandoc and compared with the
/// model it was written from (its JSON export): a line per export that pandoc
/// reads to another structure.
fn pandoc_problems(out: &Path) -> Result<Vec<String>, String> {
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for md in files {
            let model = text::read_model(&md.with_extension("json"))?;
            checked += 1;
            if let Some(difference) = pandoc::difference(&md, &model)? {
                problems.push(format!("{}: {difference}", md.display()));
            }
        }
    }
    println!("pandoc: {checked} Markdown export(s) read to the model's structure or not");
    Ok(problems)
}

/// Every JSON export under `out` checked against the model's JSON Schema
/// (`docs/offprint-document.schema.json`) by Python's `jsonschema`: a line
/// per export that does not validate.
fn schema_problems(root: &Path, out: &Path) -> Result<Vec<String>, String> {
    let mut exports = Vec::new();
    for dir in std::fs::read_dir(out).map_err(|e| e.to_string())?.flatten() {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "json")
                && !path.ends_with(".offprint-manifest.json")
            {
                exports.push(path);
            }
        }
    }
    exports.sort();
    const SCRIPT: &str = "import json, sys\nfrom jsonschema import Draft202012Validator\nschema = json.load(open(sys.argv[1]))\nvalidator = Draft202012Validator(schema)\nfor path in sys.argv[2:]:\n    for error in validator.iter_errors(json.load(open(path))):\n        print(f'{path}: {error.json_path}: {error.message[:200]}')\n";
    let output = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(crate::schema::path(root))
        .args(&exports)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the JSON Schema check failed (pip install jsonschema): {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    println!("JSON Schema: {} export(s) checked", exports.len());
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// The accuracy of `got` against `expected`: 1 − edit distance / longer length.
pub(crate) fn accuracy(expected: &str, got: &str) -> f64 {
    let exp: Vec<char> = expected.chars().collect();
    let out: Vec<char> = got.chars().collect();
    let d = distance(&align(&exp, &out));
    let longer = exp.len().max(out.len()).max(1);
    (1.0 - d as f64 / longer as f64).max(0.0)
}

fn tool(command: &mut Command) -> Result<(bool, String), String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text))
}

fn check(pdf: &Path) -> Result<Outcome, String> {
    let mut problems = Vec::new();
    let name = pdf
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();

    let (ok, text) = tool(Command::new("qpdf").arg("--check").arg(pdf))?;
    if !ok || text.contains("WARNING") {
        problems.push(format!(
            "qpdf --check: {}",
            text.trim().replace('\n', " | ")
        ));
    }

    let (_, fonts) = tool(Command::new("pdffonts").arg(pdf))?;
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 7 {
            continue;
        }
        let n = cols.len();
        let (emb, sub, uni) = (cols[n - 5], cols[n - 4], cols[n - 3]);
        if (emb, sub, uni) != ("yes", "yes", "yes") {
            problems.push(format!("font {} emb {emb} sub {sub} uni {uni}", cols[0]));
        }
    }

    let (pages, extracted) = pdf_text(pdf, &mut problems)?;
    for line in extracted.lines() {
        if let Some(first) = line.trim_start().chars().next() {
            if NO_LINE_START.contains(&first) {
                problems.push(format!("line starts with {first:?}: {line:?}"));
            }
        }
    }
    let mut got = normalise(&join_lines(&extracted));

    let model = text::read_model(&pdf.with_extension("json"))?;
    // The notes are at the feet of their pages: each is looked for, and taken
    // out before the text is compared.
    for note in text::note_texts(&model) {
        let note = normalise(&join_lines(&note));
        match got.find(&note) {
            Some(at) => got.replace_range(at..at + note.len(), ""),
            None => problems.push(format!("the note {:?} is not on a page", head(&note))),
        }
    }
    let got = normalise(&got);
    let expected = normalise(&join_lines(&text::expected_text(&model, text::Reader::Pdf)));
    let accuracy = accuracy(&expected, &got);
    if accuracy < MIN_ACCURACY {
        problems.push(format!("text accuracy {accuracy:.4} < {MIN_ACCURACY}"));
        let _ = std::fs::write(pdf.with_extension("got.txt"), &got);
        let _ = std::fs::write(pdf.with_extension("expected.txt"), &expected);
    }
    let extra_spaces = cjk_spaces(&got).saturating_sub(cjk_spaces(&expected));
    if extra_spaces > 0 {
        problems.push(format!("{extra_spaces} space(s) between CJK characters"));
    }
    let bytes = std::fs::metadata(pdf).map(|m| m.len()).unwrap_or(0);
    Ok(Outcome {
        file: name,
        pages,
        bytes,
        accuracy,
        problems,
    })
}

/// The page count and the text inside the margins of a PDF (no running
/// header, no folio), with `pdftotext`.
fn pdf_text(pdf: &Path, problems: &mut Vec<String>) -> Result<(usize, String), String> {
    let (_, info) = tool(Command::new("pdfinfo").arg(pdf))?;
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let (width, height) = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .and_then(|v| {
            let mut numbers = v.split_whitespace().filter_map(|w| w.parse::<f64>().ok());
            Some((numbers.next()?, numbers.next()?))
        })
        .unwrap_or((595.0, 842.0));
    let band = 62.0;
    let (ok, extracted) = tool(
        Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-x", "0", "-y"])
            .arg(format!("{band}"))
            .arg("-W")
            .arg(format!("{}", width.ceil()))
            .arg("-H")
            .arg(format!("{}", (height - 2.0 * band).floor()))
            .arg(pdf)
            .arg("-"),
    )?;
    if !ok {
        problems.push("pdftotext failed".into());
    }
    Ok((pages, extracted))
}

/// The model of an edition, as `offprint convert --to json` wrote it.
fn read_json(path: &Path) -> Result<Value, String> {
    serde_json::from_slice(&std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The first words of `text`, for messages.
fn head(text: &str) -> String {
    text.chars().take(40).collect()
}

/// East Asian wide characters (the Han, kana and CJK punctuation blocks).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303F}' | '\u{3040}'..='\u{30FF}' | '\u{3100}'..='\u{312F}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FF60}' | '\u{20000}'..='\u{3FFFF}')
}

/// Joins pdftotext's lines as a reader would: nothing between two CJK
/// characters, one space elsewhere; form feeds are line ends.
pub(crate) fn join_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.split(['\n', '\u{000C}']) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let joins_tight = out
            .chars()
            .next_back()
            .zip(line.chars().next())
            .is_some_and(|(a, b)| is_cjk(a) && is_cjk(b));
        if !out.is_empty() && !joins_tight {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// White space collapsed to single spaces.
pub(crate) fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cjk_spaces(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(3)
        .filter(|w| is_cjk(w[0]) && w[1] == ' ' && is_cjk(w[2]))
        .count()
}
