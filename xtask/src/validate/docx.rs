//! The DOCX half of `cargo xtask validate` (see the parent module).

use super::text::{expected_text, Reader};
use super::{accuracy, head, join_lines, normalise, pdf_text, read_json, tool, Outcome};
use offprint::model::{Block, BlockKind, Document, Inline};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What python-docx must find, read by `check_docx.py`.
const CHECKER: &str = include_str!("../check_docx.py");

/// LibreOffice's text must give back the model's at least this well (its
/// own line breaking and hyphenation differ from offprint's).
const MIN_RENDERED_ACCURACY: f64 = 0.99;

/// The locale each language is tagged with by default.
fn locale(lang: &str) -> String {
    match lang {
        "en" => "en-GB".into(),
        "fr" => "fr-FR".into(),
        "es" => "es-ES".into(),
        "zh" => "zh-CN".into(),
        other => other.into(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads every DOCX with python-docx and checks it against its model.
pub(crate) fn check_all(docxs: &[PathBuf]) -> Result<Vec<Outcome>, String> {
    if docxs.is_empty() {
        return Ok(Vec::new());
    }
    let script =
        std::env::temp_dir().join(format!("offprint-check-docx-{}.py", std::process::id()));
    std::fs::write(&script, CHECKER).map_err(|e| e.to_string())?;
    let output = Command::new("python3")
        .arg(&script)
        .args(docxs)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"));
    let _ = std::fs::remove_file(&script);
    let output = output?;
    if !output.status.success() {
        return Err(format!(
            "check_docx.py failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let results: Vec<Value> =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("check_docx.py: {e}"))?;
    docxs
        .iter()
        .zip(&results)
        .map(|(path, found)| check(path, found))
        .collect()
}

/// A paragraph the model says the edition has: style name, text, label.
type Expected = (String, String, Option<String>);

/// The paragraphs of the edition's body, as python-docx lists them (tables'
/// paragraphs are not among them; a footnote's first reference shows no text).
fn expected_paragraphs(document: &Document) -> Vec<Expected> {
    let mut out = Vec::new();
    if let Some(title) = &document.meta.title {
        out.push(("Title".to_string(), title.clone(), None));
        if let Some(byline) = document.meta.byline() {
            out.push(("Subtitle".into(), byline, None));
        }
    }
    let mut referred = Vec::new();
    for section in &document.sections {
        push_paragraphs(&mut out, &section.blocks, (0, false), &mut referred);
    }
    out
}

/// Paragraphs of `blocks` at list depth `depth`, in a quotation or not.
fn push_paragraphs(
    out: &mut Vec<Expected>,
    blocks: &[Block],
    (depth, quoted): (usize, bool),
    referred: &mut Vec<String>,
) {
    for block in blocks {
        match &block.kind {
            BlockKind::Heading { level, content } => out.push((
                format!("Heading {}", (*level).clamp(1, 3)),
                docx_text(content, referred),
                None,
            )),
            BlockKind::Paragraph { content } => {
                let style = if quoted {
                    "Quote".to_string()
                } else if depth > 0 {
                    match depth {
                        1 => "List Continue".to_string(),
                        n => format!("List Continue {n}"),
                    }
                } else {
                    "Normal".to_string()
                };
                out.push((style, docx_text(content, referred), None));
            }
            BlockKind::List {
                numbering, items, ..
            } => {
                for (k, item) in items.iter().enumerate() {
                    let (style, marker) = match numbering {
                        Some(n) => ("List Number", n.marker(k)),
                        None => ("List Bullet", ["•", "◦", "▪"][depth % 3].to_string()),
                    };
                    let (lead, rest) = item.lead();
                    let text =
                        lead.map_or_else(String::new, |(_, content)| docx_text(content, referred));
                    out.push((style.to_string(), text, Some(marker)));
                    push_paragraphs(out, rest, (depth + 1, quoted), referred);
                }
            }
            BlockKind::Quote { blocks } => push_paragraphs(out, blocks, (depth, true), referred),
            BlockKind::CodeBlock { text, .. } => {
                out.push(("Source Code".to_string(), text.clone(), None))
            }
            BlockKind::Table(_) => {}
            BlockKind::ThematicBreak => out.push(("Separator".into(), "* * *".into(), None)),
        }
    }
}

/// The text python-docx reads of a paragraph of `content`: a note's first
/// reference is the footnote itself (no text), a later one its number.
fn docx_text(content: &[Inline], referred: &mut Vec<String>) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::NoteRef { id } => match referred.iter().position(|r| r == id) {
                Some(k) => out.push_str(&(k + 1).to_string()),
                None => referred.push(id.clone()),
            },
            Inline::LineBreak => out.push('\n'),
            other => out.push_str(&docx_text(other.children().unwrap_or_default(), referred)),
        }
    }
    out
}

fn check(path: &Path, found: &Value) -> Result<Outcome, String> {
    let mut problems = Vec::new();
    let json = read_json(&path.with_extension("json"))?;

    // Paragraphs: a named style each, the model's text block by block.
    let paragraphs: Vec<&Value> = found["paragraphs"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    for (k, p) in paragraphs.iter().enumerate() {
        if p["style"].as_str().is_none_or(str::is_empty) || p["style_id"].as_str().is_none() {
            problems.push(format!("paragraph {k} names no style"));
        }
    }
    let body: Vec<&&Value> = paragraphs
        .iter()
        .filter(|p| {
            let style = p["style"].as_str().unwrap_or("");
            style != "TOC Heading" && !style.starts_with("toc ")
        })
        .collect();
    let model = super::text::read_model(&path.with_extension("json"))?;
    let expected = expected_paragraphs(&model);
    if body.len() != expected.len() {
        problems.push(format!(
            "{} paragraphs for {} blocks",
            body.len(),
            expected.len()
        ));
    }
    let mut matching = 0;
    let mut reported = 0;
    for (k, (p, (style, text, marker))) in body.iter().zip(&expected).enumerate() {
        let got_style = p["style"].as_str().unwrap_or("");
        let got_text = p["text"].as_str().unwrap_or("");
        let got_label = p["label"].as_str();
        let mut wrong = Vec::new();
        if got_style != style {
            wrong.push(format!("style {got_style:?}, not {style:?}"));
        }
        if got_text != text {
            wrong.push(format!("text {:?}…, not {:?}…", head(got_text), head(text)));
        }
        if got_label != marker.as_deref() {
            wrong.push(format!("numbered {got_label:?}, not {marker:?}"));
        }
        if wrong.is_empty() {
            matching += 1;
        } else if reported < 3 {
            reported += 1;
            problems.push(format!("paragraph {k}: {}", wrong.join(", ")));
        }
    }

    // Languages: the edition's on the defaults, each section's on its runs.
    let langs: Vec<(Option<&str>, Option<&str>)> = found["langs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| (l[0].as_str(), l[1].as_str()))
        .collect();
    let edition_lang = json["meta"]["languages"][0].as_str().unwrap_or("und");
    if found["default_lang"][0].as_str() != Some(locale(edition_lang).as_str()) {
        problems.push(format!(
            "document defaults' w:lang {}, not {}",
            found["default_lang"],
            locale(edition_lang)
        ));
    }
    let mut section_langs: Vec<&str> = json["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["lang"].as_str())
        .collect();
    section_langs.sort();
    section_langs.dedup();
    for lang in section_langs {
        let tag = locale(lang);
        let present = if lang == "zh" {
            langs.contains(&(Some(tag.as_str()), Some(tag.as_str())))
        } else {
            langs.iter().any(|(val, _)| *val == Some(tag.as_str()))
        };
        if !present {
            problems.push(format!("no run is tagged w:lang {tag}"));
        }
    }

    // Fonts: every face the styles name is embedded and usable.
    if found["embed_true_type_fonts"] != Value::Bool(true) {
        problems.push("settings.xml lacks w:embedTrueTypeFonts".into());
    }
    if found["odttf_registered"] != Value::Bool(true) {
        problems.push("[Content_Types].xml does not register .odttf".into());
    }
    let fonts: Vec<&Value> = found["fonts"].as_array().into_iter().flatten().collect();
    for name in found["style_fonts"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or("");
        let Some(font) = fonts.iter().find(|f| f["name"].as_str() == Some(name)) else {
            problems.push(format!("font {name:?} is not in fontTable.xml"));
            continue;
        };
        let faces: Vec<&Value> = font["faces"].as_array().into_iter().flatten().collect();
        if faces.is_empty() {
            problems.push(format!("font {name:?} is not embedded"));
        }
        for face in faces {
            let tables: Vec<&str> = face["tables"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let usable = face["sfnt"].as_str() == Some("00010000")
                && ["cmap", "glyf", "OS/2", "name"]
                    .iter()
                    .all(|t| tables.contains(t))
                && face["fs_type"].as_u64() == Some(0);
            if !usable {
                problems.push(format!(
                    "{name} {}: not an installable TrueType font once de-obfuscated ({} {tables:?} fsType {})",
                    face["kind"], face["sfnt"], face["fs_type"]
                ));
            }
        }
    }

    let core = &found["core"];
    if core["language"].as_str() != Some(locale(edition_lang).as_str()) {
        problems.push(format!("dc:language {}", core["language"]));
    }
    if core["created"].as_str().is_none() || core["modified"] != core["created"] {
        problems.push(format!(
            "created {} / modified {}",
            core["created"], core["modified"]
        ));
    }

    Ok(Outcome {
        file: file_name(path),
        pages: 0,
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        accuracy: matching as f64 / expected.len().max(1) as f64,
        problems,
    })
}

/// A fontconfig that sees one Latin font and nothing else: LibreOffice
/// refuses to start with no font at all, and none may cover Chinese.
fn latin_only_fontconfig(out: &Path) -> Result<PathBuf, String> {
    let dir = out.join("fontconfig");
    let config = dir.join("fonts.conf");
    if config.is_file() {
        return Ok(config);
    }
    let (_, file) = tool(Command::new("fc-match").args(["-f", "%{file}", "DejaVu Sans"]))?;
    crate::validate::one_font_fontconfig(&dir, Path::new(file.trim()))
}

/// Converts a DOCX to PDF with LibreOffice under `config`.
fn soffice_pdf(docx: &Path, out: &Path, config: &Path) -> Result<PathBuf, String> {
    let lo = out.join("lo");
    let profile = out.join("lo-profile");
    let mut child = Command::new("soffice")
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--convert-to", "pdf", "--outdir"])
        .arg(&lo)
        .arg(docx)
        .env("FONTCONFIG_FILE", config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run soffice: {e}"))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            if !status.success() {
                return Err(format!("soffice failed on {}", docx.display()));
            }
            break;
        }
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("soffice took over 180 s on {}", docx.display()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let pdf = lo.join(file_name(docx)).with_extension("pdf");
    if pdf.is_file() {
        Ok(pdf)
    } else {
        Err(format!("soffice wrote no {}", pdf.display()))
    }
}

/// LibreOffice renders a Chinese edition with no CJK font on the system:
/// the PDF's fonts are the embedded faces, its text the model's.
pub(crate) fn rendered_without_cjk_fonts(
    docx: &Path,
    out: &Path,
    image: Option<&Path>,
) -> Result<Outcome, String> {
    let mut problems = Vec::new();
    let config = latin_only_fontconfig(out)?;
    let (_, cjk) = tool(
        Command::new("fc-list")
            .arg(":lang=zh")
            .env("FONTCONFIG_FILE", &config),
    )?;
    if !cjk.trim().is_empty() {
        return Err(format!("the test fontconfig has CJK fonts: {cjk}"));
    }
    let pdf = soffice_pdf(docx, out, &config)?;

    let (_, fonts) = tool(Command::new("pdffonts").arg(&pdf))?;
    let mut names = Vec::new();
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 7 {
            continue;
        }
        let name = cols[0]
            .split('+')
            .next_back()
            .unwrap_or(cols[0])
            .to_string();
        if cols[cols.len() - 5] != "yes" {
            problems.push(format!("{name} is not embedded in LibreOffice's PDF"));
        }
        if !name.starts_with("Noto") {
            problems.push(format!(
                "LibreOffice set some text in {name}, not an embedded face"
            ));
        }
        names.push(name);
    }
    if !names.iter().any(|n| n.contains("SerifSC")) {
        problems.push(format!(
            "no bundled CJK face in LibreOffice's PDF: {names:?}"
        ));
    }

    let (pages, extracted) = pdf_text(&pdf, &mut problems)?;
    let got = normalise(&join_lines(&extracted));
    let model = super::text::read_model(&docx.with_extension("json"))?;
    let expected = normalise(&join_lines(&expected_text(&model, Reader::DocxPrinted)));
    let accuracy = accuracy(&expected, &got);
    if accuracy < MIN_RENDERED_ACCURACY {
        problems.push(format!(
            "LibreOffice's text accuracy {accuracy:.4} < {MIN_RENDERED_ACCURACY}"
        ));
        let _ = std::fs::write(pdf.with_extension("got.txt"), &got);
        let _ = std::fs::write(pdf.with_extension("expected.txt"), &expected);
    }
    if let Some(image) = image {
        let status = Command::new("pdftoppm")
            .args(["-r", "80", "-png", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(image)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            problems.push("pdftoppm failed".into());
        }
    }
    Ok(Outcome {
        file: format!("{} in LibreOffice, no CJK font", file_name(docx)),
        pages,
        bytes: std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0),
        accuracy,
        problems,
    })
}

/// The brief with `--toc`: LibreOffice shows the table of contents as its
/// entries, with page numbers, not as field codes.
pub(crate) fn table_of_contents(
    offprint: &Path,
    root: &Path,
    out: &Path,
) -> Result<Outcome, String> {
    let dir = out.join("toc");
    let input = root.join("fixtures/brief/brief.extracted.txt");
    let output = Command::new(offprint)
        .arg("convert")
        .arg(&input)
        .args([
            "--to",
            "docx,json",
            "--toc",
            "--edition",
            "combined",
            "--out",
        ])
        .arg(&dir)
        .env("SOURCE_DATE_EPOCH", "1720051200")
        .output()
        .map_err(|e| format!("cannot run offprint: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "offprint convert --toc failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let docx = dir.join("brief.extracted.docx");
    // python-docx reads it as any other edition (the contents aside).
    let mut problems: Vec<String> = check_all(std::slice::from_ref(&docx))?
        .into_iter()
        .flat_map(|o| o.problems)
        .collect();
    let config = latin_only_fontconfig(out)?;
    let pdf = soffice_pdf(&docx, &dir, &config)?;
    let (_, first) = tool(
        Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg("-"),
    )?;
    let first = normalise(&first);
    for code in ["TOC \\", "PAGEREF", "HYPERLINK"] {
        if first.contains(code) {
            problems.push(format!("the contents show the field code {code:?}"));
        }
    }
    let model = super::text::read_model(&docx.with_extension("json"))?;
    let mut headings = 0;
    for content in model.blocks().filter_map(|b| match &b.kind {
        BlockKind::Heading { content, .. } => Some(content),
        _ => None,
    }) {
        headings += 1;
        let text: String = offprint::model::plain_text(content)
            .chars()
            .take(12)
            .collect();
        if !first.contains(&text) {
            problems.push(format!("the contents lack {text:?}"));
        }
    }
    let numbered = first
        .split("..")
        .filter(|part| {
            part.trim_start_matches('.')
                .trim()
                .starts_with(|c: char| c.is_ascii_digit())
        })
        .count();
    if numbered < headings {
        problems.push(format!("{numbered} page numbers for {headings} entries"));
    }
    Ok(Outcome {
        file: "brief.extracted.docx --toc in LibreOffice".into(),
        pages: 0,
        bytes: std::fs::metadata(&docx).map(|m| m.len()).unwrap_or(0),
        accuracy: 1.0,
        problems,
    })
}
