//! The EPUB half of `cargo xtask validate`. Every EPUB edition is checked
//! with epubcheck (warnings count as failures) and read back:
//!
//! - the text of its XHTML documents in spine order, tags stripped, is the
//!   model's text (title block, then every block; list numbers come from the
//!   `<ol>` markup, so markers are not part of it);
//! - every document (the navigation document too) has `lang` and
//!   `xml:lang` on its root, and each section's document has its section's;
//! - every family the stylesheet names is an `@font-face` of a font inside
//!   the package, listed in the manifest as `font/ttf` or `font/otf`, and
//!   subset (no more glyphs than the characters it maps need); every
//!   character of the text is mapped by an embedded font; the first face of
//!   the `:lang(zh)` stack maps every Han character of the Chinese documents.
//!
//! Then the brief's Chinese section is rendered by headless Chromium with
//! no CJK font on the system: the page must show ink, and differ from the
//! same page rendered with the package's fonts withheld (tofu). Both images
//! are left in `target/validate/` to be looked at.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's epubcheck; its wrapper script fails here, so the jar is run.
const EPUBCHECK_JAR: &str = "/usr/share/java/epubcheck.jar";

fn epubcheck_jar() -> PathBuf {
    std::env::var_os("EPUBCHECK_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(EPUBCHECK_JAR))
}

/// The tools the EPUB checks need.
pub fn check_tools() -> Result<(), String> {
    if Command::new("java").arg("-version").output().is_err() {
        return Err("java is missing: apt-get install -y epubcheck".into());
    }
    if !epubcheck_jar().is_file() {
        return Err(format!(
            "{} is missing: apt-get install -y epubcheck (or set EPUBCHECK_JAR)",
            epubcheck_jar().display()
        ));
    }
    if Command::new("chromium").arg("--version").output().is_err() {
        return Err("chromium is missing: apt-get install -y chromium".into());
    }
    Ok(())
}

pub struct Checked {
    pub file: String,
    pub documents: usize,
    pub bytes: u64,
    pub accuracy: f64,
    pub problems: Vec<String>,
}

/// An unpacked EPUB: entries by name.
pub struct Package {
    entries: BTreeMap<String, Vec<u8>>,
}

impl Package {
    pub fn open(path: &Path) -> Result<Package, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut archive =
            zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut entries = BTreeMap::new();
        for k in 0..archive.len() {
            let mut entry = archive
                .by_index(k)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let mut data = Vec::new();
            entry
                .read_to_end(&mut data)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            entries.insert(entry.name().to_string(), data);
        }
        Ok(Package { entries })
    }

    fn bytes(&self, name: &str) -> Result<&[u8], String> {
        self.entries
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| format!("no {name} in the package"))
    }

    fn text(&self, name: &str) -> Result<String, String> {
        String::from_utf8(self.bytes(name)?.to_vec()).map_err(|_| format!("{name} is not UTF-8"))
    }

    /// Writes every entry under `dir`.
    pub fn unpack(&self, dir: &Path) -> Result<(), String> {
        for (name, data) in &self.entries {
            if name.split('/').any(|part| part == ".." || part.is_empty()) {
                return Err(format!("unsafe entry name {name:?}"));
            }
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }
}

/// The value of attribute `name` in a start tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let after = rest[at + name.len()..].trim_start();
        if before_ok {
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start();
                let quote = value.chars().next()?;
                if quote == '"' || quote == '\'' {
                    let end = value[1..].find(quote)?;
                    return Some(unescape(&value[1..1 + end]));
                }
            }
        }
        rest = &rest[at + name.len()..];
    }
    None
}

/// The start tags `<name …>` of a document.
fn tags<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let end = after.find('>').unwrap_or(after.len());
        if after.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            found.push(&rest[at..at + open.len() + end + 1]);
        }
        rest = after;
    }
    found
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of an XHTML document's body, tags stripped: a line per block.
pub fn body_text(xhtml: &str) -> String {
    let body = xhtml.find("<body").map(|at| &xhtml[at..]).unwrap_or(xhtml);
    let body = &body[body.find('>').map_or(0, |k| k + 1)..];
    let body = &body[..body.find("</body>").unwrap_or(body.len())];
    let mut out = String::new();
    let mut rest = body;
    while let Some(at) = rest.find('<') {
        out.push_str(&unescape(&rest[..at]));
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..end];
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let block = matches!(
            name.as_str(),
            "p" | "pre"
                | "blockquote"
                | "aside"
                | "table"
                | "tr"
                | "th"
                | "td"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "li"
                | "ol"
                | "ul"
                | "section"
                | "div"
                | "br"
                | "header"
                | "nav"
        );
        if block {
            out.push('\n');
        }
        rest = &rest[end..];
    }
    out.push_str(&unescape(rest));
    out
}

/// The language of a document's root element: `lang` and `xml:lang`.
fn root_lang(xhtml: &str) -> (Option<String>, Option<String>) {
    let Some(html) = tags(xhtml, "html").into_iter().next() else {
        return (None, None);
    };
    (attr(html, "lang"), attr(html, "xml:lang"))
}

/// One `@font-face`: its family and the package path of its file.
struct FontFace {
    family: String,
    path: String,
}

/// `a/b/../c` → `a/c`, for paths inside the package.
fn resolve(base_dir: &str, href: &str) -> String {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The `@font-face` rules of a stylesheet, and the families named in its
/// other rules, each with the selector of its rule.
fn css_fonts(css: &str, css_path: &str) -> (Vec<FontFace>, Vec<(String, Vec<String>)>) {
    let mut faces = Vec::new();
    let mut uses = Vec::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let selector = rest[..open]
            .rsplit("*/")
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let body = &rest[open + 1..close];
        let declarations: Vec<(&str, &str)> = body
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let families = |v: &str| -> Vec<String> {
            v.split(',')
                .map(|f| f.trim().trim_matches(['"', '\'']).to_string())
                .filter(|f| !f.is_empty())
                .collect()
        };
        if selector == "@font-face" {
            let family = declarations
                .iter()
                .find(|(k, _)| *k == "font-family")
                .map(|(_, v)| v.trim_matches(['"', '\'']).to_string())
                .unwrap_or_default();
            let src = declarations
                .iter()
                .find(|(k, _)| *k == "src")
                .map(|(_, v)| *v)
                .unwrap_or("");
            for url in src.split("url(").skip(1) {
                let href = url
                    .split(')')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\'']);
                faces.push(FontFace {
                    family: family.clone(),
                    path: resolve(dir_of(css_path), href),
                });
            }
        } else {
            for (k, v) in &declarations {
                if *k == "font-family" || *k == "font" {
                    uses.push((selector.clone(), families(v)));
                }
            }
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    (faces, uses)
}

const GENERIC: &[&str] = &[
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "inherit",
    "initial",
];

/// Characters a font's cmap maps.
fn mapped_chars(font: &[u8]) -> Option<(u16, BTreeSet<char>)> {
    let face = ttf_parser::Face::parse(font, 0).ok()?;
    let mut chars = BTreeSet::new();
    for subtable in face.tables().cmap?.subtables {
        if subtable.is_unicode() {
            subtable.codepoints(|cp| {
                if let Some(c) = char::from_u32(cp) {
                    if subtable.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                        chars.insert(c);
                    }
                }
            });
        }
    }
    Some((face.number_of_glyphs(), chars))
}

/// East Asian wide characters, as in the PDF checks.
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Checks one EPUB edition against the model in `json`.
pub fn check(epub: &Path, json: &Value) -> Result<Checked, String> {
    let mut problems = Vec::new();
    let name = epub
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();

    // epubcheck, warnings as failures.
    let output = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg(epub)
        .arg("--failonwarnings")
        .output()
        .map_err(|e| format!("cannot run epubcheck: {e}"))?;
    let mut report = String::from_utf8_lossy(&output.stdout).into_owned();
    report.push_str(&String::from_utf8_lossy(&output.stderr));
    let clean = report.contains("0 fatals / 0 errors / 0 warnings");
    if !output.status.success() || !clean {
        let messages: Vec<&str> = report
            .lines()
            .filter(|l| {
                l.starts_with("ERROR") || l.starts_with("WARNING") || l.starts_with("FATAL")
            })
            .collect();
        problems.push(format!(
            "epubcheck: {}",
            if messages.is_empty() {
                report.trim().replace('\n', " | ")
            } else {
                messages.join(" | ")
            }
        ));
    }

    let package = Package::open(epub)?;
    let container = package.text("META-INF/container.xml")?;
    let opf_path = tags(&container, "rootfile")
        .first()
        .and_then(|t| attr(t, "full-path"))
        .ok_or("container.xml names no rootfile")?;
    let opf = package.text(&opf_path)?;
    let base = dir_of(&opf_path).to_string();
    // Manifest: id → (path, media type, properties).
    let mut manifest: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for item in tags(&opf, "item") {
        if let (Some(id), Some(href), Some(media)) = (
            attr(item, "id"),
            attr(item, "href"),
            attr(item, "media-type"),
        ) {
            let props = attr(item, "properties").unwrap_or_default();
            manifest.insert(id, (resolve(&base, &href), media, props));
        }
    }
    let spine: Vec<String> = tags(&opf, "itemref")
        .iter()
        .filter_map(|t| attr(t, "idref"))
        .filter_map(|id| manifest.get(&id).map(|(p, _, _)| p.clone()))
        .collect();

    // Languages: every content document and the navigation document.
    let nav: Vec<String> = manifest
        .values()
        .filter(|(_, _, props)| props.split_whitespace().any(|p| p == "nav"))
        .map(|(p, _, _)| p.clone())
        .collect();
    let mut texts = Vec::new();
    let mut langs = Vec::new();
    for doc in spine.iter().chain(nav.iter()) {
        let xhtml = package.text(doc)?;
        let (lang, xml_lang) = root_lang(&xhtml);
        match (&lang, &xml_lang) {
            (Some(a), Some(b)) if a == b && !a.is_empty() => {}
            _ => problems.push(format!("{doc}: root lang {lang:?}, xml:lang {xml_lang:?}")),
        }
        if spine.contains(doc) {
            texts.push((doc.clone(), body_text(&xhtml)));
            langs.push(lang.unwrap_or_default());
        }
    }
    // Each section's document has its section's language.
    let sections: Vec<&str> = json["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["lang"].as_str())
        .collect();
    let first_section = langs.len().saturating_sub(sections.len());
    if langs[first_section..] != sections[..] {
        problems.push(format!(
            "document languages {:?} are not the sections' {sections:?}",
            &langs[first_section..]
        ));
    }

    // The text.
    let got_raw: String = texts
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let got = crate::validate::normalise(&crate::validate::join_lines(&got_raw));
    let model = offprint::export::json::from_json(&json.to_string())?;
    let expected = crate::validate::normalise(&crate::validate::join_lines(
        &crate::validate::text::expected_text(&model, crate::validate::text::Reader::Epub),
    ));
    let accuracy = crate::validate::accuracy(&expected, &got);
    if got != expected {
        problems.push(format!(
            "the XHTML text is not the model's (accuracy {accuracy:.4})"
        ));
        let _ = std::fs::write(epub.with_extension("epub.got.txt"), &got);
        let _ = std::fs::write(epub.with_extension("epub.expected.txt"), &expected);
    }

    // Fonts: declared, inside, listed, subset, covering the text.
    let mut faces = Vec::new();
    let mut uses = Vec::new();
    for (path, media, _) in manifest.values() {
        if media == "text/css" {
            let css = package.text(path)?;
            let (f, u) = css_fonts(&css, path);
            faces.extend(f);
            uses.extend(u);
        }
    }
    if faces.is_empty() {
        problems.push("the stylesheet embeds no font".into());
    }
    let mut mapped_by_family: BTreeMap<String, BTreeSet<char>> = BTreeMap::new();
    for face in &faces {
        let listed = manifest.values().find(|(p, _, _)| *p == face.path);
        match listed {
            None => problems.push(format!("{} is not in the manifest", face.path)),
            Some((_, media, _)) if media != "font/ttf" && media != "font/otf" => {
                problems.push(format!("{} is listed as {media}", face.path))
            }
            _ => {}
        }
        let Ok(data) = package.bytes(&face.path) else {
            problems.push(format!("{} is not inside the package", face.path));
            continue;
        };
        match mapped_chars(data) {
            None => problems.push(format!("{} is not a readable font", face.path)),
            Some((glyphs, chars)) => {
                // A subset: .notdef, one glyph per character and at most as
                // many again for the parts of composite glyphs.
                let limit = 1 + 2 * chars.len() + 8;
                if usize::from(glyphs) > limit {
                    problems.push(format!(
                        "{} is not subset: {glyphs} glyphs for {} characters",
                        face.path,
                        chars.len()
                    ));
                }
                mapped_by_family
                    .entry(face.family.clone())
                    .or_default()
                    .extend(chars);
            }
        }
    }
    for (selector, families) in &uses {
        for family in families {
            if !GENERIC.contains(&family.as_str()) && !mapped_by_family.contains_key(family) {
                problems.push(format!(
                    "{selector} names {family:?}, which no @font-face embeds"
                ));
            }
        }
    }
    let all_mapped: BTreeSet<char> = mapped_by_family.values().flatten().copied().collect();
    let uncovered: BTreeSet<char> = got_raw
        .chars()
        .filter(|c| !c.is_whitespace() && !all_mapped.contains(c))
        .collect();
    if !uncovered.is_empty() {
        problems.push(format!(
            "no embedded font maps {:?}",
            uncovered.iter().collect::<String>()
        ));
    }
    // Chinese: the first face under :lang(zh) sets every Han character.
    let han: BTreeSet<char> = texts
        .iter()
        .zip(&langs)
        .filter(|(_, lang)| lang.starts_with("zh"))
        .flat_map(|((_, t), _)| t.chars().filter(|&c| is_han(c)))
        .collect();
    if !han.is_empty() {
        let first = uses
            .iter()
            .find(|(selector, _)| selector.split(',').any(|s| s.trim() == ":lang(zh)"))
            .and_then(|(_, families)| families.first());
        match first.and_then(|f| mapped_by_family.get(f).map(|m| (f, m))) {
            None => problems.push("no embedded face leads the :lang(zh) rule".into()),
            Some((family, mapped)) => {
                let missing: String = han.iter().filter(|c| !mapped.contains(c)).collect();
                if !missing.is_empty() {
                    problems.push(format!("{family} (first under :lang(zh)) lacks {missing}"));
                }
            }
        }
    }

    Ok(Checked {
        file: name,
        documents: spine.len(),
        bytes: std::fs::metadata(epub).map(|m| m.len()).unwrap_or(0),
        accuracy,
        problems,
    })
}

/// Serves the files under `root` over HTTP on 127.0.0.1 (a port of the
/// system's choosing), withholding `fonts/` when `withhold_fonts` is set.
/// Chromium's virtual time waits for network loads, not for `file:` ones.
fn serve(root: PathBuf, withhold_fonts: bool) -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = respond(stream, &root, withhold_fonts);
            });
        }
    });
    Ok(port)
}

fn respond(
    mut stream: std::net::TcpStream,
    root: &Path,
    withhold_fonts: bool,
) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let request = String::from_utf8_lossy(&request);
    let path = request
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .trim_start_matches('/')
        .to_string();
    let safe = !path.split('/').any(|p| p == "..");
    let withheld = withhold_fonts && path.split('/').any(|p| p == "fonts");
    let file = root.join(&path);
    let body = if safe && !withheld {
        std::fs::read(&file).ok()
    } else {
        None
    };
    let Some(body) = body else {
        return stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    let media = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "xhtml" => "application/xhtml+xml; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => "application/octet-stream",
    };
    stream.write_all(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {media}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )?;
    stream.write_all(&body)
}

/// The share of dark pixels of a PNG, and its pixels' luma.
fn ink(png_path: &Path) -> Result<(f64, Vec<u8>), String> {
    let (info, buf) = crate::read_png(png_path)?;
    let channels = info.color_type.samples();
    let luma: Vec<u8> = buf
        .chunks(channels)
        .map(|px| {
            if channels >= 3 {
                ((u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000)
                    as u8
            } else {
                px[0]
            }
        })
        .collect();
    let dark = luma.iter().filter(|&&l| l < 128).count();
    Ok((dark as f64 / luma.len().max(1) as f64, luma))
}

/// Renders `url` with headless Chromium into `png`, with the fontconfig
/// setup of `fonts_conf`.
fn chromium(url: &str, png: &Path, fonts_conf: &Path, scratch: &Path) -> Result<(), String> {
    let profile = scratch.join("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=800,700",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(url)
        .env("FONTCONFIG_FILE", fonts_conf)
        .output()
        .map_err(|e| format!("cannot run chromium: {e}"))?;
    let _ = std::fs::remove_dir_all(&profile);
    if !output.status.success() || !png.is_file() {
        return Err(format!(
            "chromium made no screenshot: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    Ok(())
}

/// Renders the first Chinese document of `epub` with no CJK font on the
/// system, with and without the package's fonts, into `out`. Returns a
/// summary line, or the reason the check fails.
pub fn render_chinese(root: &Path, epub: &Path, out: &Path) -> Result<String, String> {
    let package = Package::open(epub)?;
    let unpacked = out.join("epub-zh");
    let _ = std::fs::remove_dir_all(&unpacked);
    package.unpack(&unpacked)?;
    let container = package.text("META-INF/container.xml")?;
    let opf_path = tags(&container, "rootfile")
        .first()
        .and_then(|t| attr(t, "full-path"))
        .ok_or("container.xml names no rootfile")?;
    let opf = package.text(&opf_path)?;
    let base = dir_of(&opf_path);
    let doc = tags(&opf, "item")
        .iter()
        .filter(|t| attr(t, "media-type").as_deref() == Some("application/xhtml+xml"))
        .filter_map(|t| attr(t, "href"))
        .map(|href| resolve(base, &href))
        .find(|path| {
            package
                .text(path)
                .map(|x| root_lang(&x).0.is_some_and(|l| l.starts_with("zh")))
                .unwrap_or(false)
                && !path.ends_with("nav.xhtml")
        })
        .ok_or("no Chinese document in the package")?;

    // A fontconfig without CJK fonts. Chromium paints no text at all when
    // fontconfig knows no font whatever, so its one font folder holds a
    // single Latin face (the bundled Noto Sans Bold, which has no Han).
    let scratch = out.join("chromium");
    let _ = std::fs::remove_dir_all(&scratch);
    let conf =
        crate::validate::one_font_fontconfig(&scratch, &root.join("fonts/NotoSans-Bold.ttf"))?;
    if let Ok(listed) = Command::new("fc-list")
        .args([":lang=zh", "family"])
        .env("FONTCONFIG_FILE", &conf)
        .output()
    {
        let listed = String::from_utf8_lossy(&listed.stdout);
        if !listed.trim().is_empty() {
            return Err(format!(
                "a CJK font is visible to Chromium: {}",
                listed.trim()
            ));
        }
    }

    let with = out.join("epub-zh-section.png");
    let without = out.join("epub-zh-section-no-embedded-fonts.png");
    let mut result = None;
    // Chromium is started afresh for each image; a blank page is retried.
    for _ in 0..3 {
        let port = serve(unpacked.clone(), false)?;
        chromium(
            &format!("http://127.0.0.1:{port}/{doc}"),
            &with,
            &conf,
            &scratch,
        )?;
        let (ink_with, luma_with) = ink(&with)?;
        if ink_with == 0.0 {
            continue;
        }
        let port = serve(unpacked.clone(), true)?;
        chromium(
            &format!("http://127.0.0.1:{port}/{doc}"),
            &without,
            &conf,
            &scratch,
        )?;
        let (ink_without, luma_without) = ink(&without)?;
        let differing = luma_with
            .iter()
            .zip(&luma_without)
            .filter(|(a, b)| a.abs_diff(**b) > 64)
            .count() as f64
            / luma_with.len().max(1) as f64;
        result = Some((ink_with, ink_without, differing));
        break;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let Some((ink_with, ink_without, differing)) = result else {
        return Err(format!("{}: blank page", with.display()));
    };
    let summary = format!(
        "{doc} rendered with no CJK font installed: {:.2}% ink with the embedded fonts, {:.2}% without them, {:.2}% of pixels differ",
        ink_with * 100.0,
        ink_without * 100.0,
        differing * 100.0
    );
    if ink_with < 0.005 || differing < 0.01 {
        return Err(format!(
            "the embedded fonts make no visible difference: {summary}"
        ));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_is_a_line_per_block_with_entities_decoded() {
        let xhtml = "<html lang=\"zh\" xml:lang=\"zh\"><head><title>T</title></head><body>\n<h1 id=\"h1\">A &amp; B</h1>\n<p>x <span lang=\"zh\">中文</span> y</p>\n<ol start=\"3\">\n<li>One&#x2019;s</li>\n</ol>\n</body></html>";
        let text = body_text(xhtml);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines, ["A & B", "x 中文 y", "One’s"]);
        assert_eq!(
            root_lang(xhtml),
            (Some("zh".to_string()), Some("zh".to_string()))
        );
    }

    #[test]
    fn the_stylesheet_fonts_and_their_users_are_found() {
        let css = "/* c */\n@font-face {\n  font-family: \"A-Regular\";\n  src: url(\"fonts/A-Regular.ttf\") format(\"truetype\");\n}\nbody { font-family: \"A-Regular\", serif; }\n:lang(zh), :lang(ja) { font-family: \"B\", \"A-Regular\", serif; }\n";
        let (faces, uses) = css_fonts(css, "OEBPS/stylesheet.css");
        assert_eq!(faces.len(), 1);
        assert_eq!(faces[0].family, "A-Regular");
        assert_eq!(faces[0].path, "OEBPS/fonts/A-Regular.ttf");
        assert_eq!(uses.len(), 2);
        assert_eq!(uses[1].0, ":lang(zh), :lang(ja)");
        assert_eq!(uses[1].1, ["B", "A-Regular", "serif"]);
        assert_eq!(resolve("OEBPS", "../x/y.css"), "x/y.css");
    }
}
