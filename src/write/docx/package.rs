//! The one post-processing pass over docx-rs's package: what docx-rs cannot
//! express is added here, and the package is written again so that the same
//! document always gives the same bytes.
//!
//! - `docProps/core.xml`: title, creators, language and the dates
//!   (`SOURCE_DATE_EPOCH`, else a fixed date), written whole.
//! - `w:lang`: on the document defaults (`styles.xml`) and on every run of
//!   the body, from the language of its paragraph.
//! - Fonts: each subset face is obfuscated (ECMA-376 Part 1, 17.8.1) into
//!   `word/fonts/fontN.odttf` with a key derived from its content, listed in
//!   `fontTable.xml` (`w:embedRegular`/`w:embedBold`/… with `w:fontKey`),
//!   related from `word/_rels/fontTable.xml.rels`, its extension registered
//!   in `[Content_Types].xml`; `settings.xml` says `w:embedTrueTypeFonts`
//!   and `w:saveSubsetFonts`.
//! - Ids: docx-rs numbers paragraphs (`w14:paraId`) from a counter that
//!   lives as long as the thread; they are numbered again from 1 in
//!   document order, so that a document never depends on what was written
//!   before it in the same process.
//! - The zip: deflate, every entry dated 1980-01-01 00:00, in a fixed order.

use crate::xml::escape;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Write};

/// A `w:lang`: `w:val` (Latin text) and, for East Asian text, `w:eastAsia`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang {
    pub val: String,
    pub east_asia: Option<String>,
}

impl Lang {
    fn element(&self) -> BytesStart<'static> {
        let mut e = BytesStart::new("w:lang");
        e.push_attribute(("w:val", self.val.as_str()));
        if let Some(east_asia) = &self.east_asia {
            e.push_attribute(("w:eastAsia", east_asia.as_str()));
        }
        e
    }
}

/// What `docProps/core.xml` says.
#[derive(Debug, Clone)]
pub struct CoreProperties {
    pub title: Option<String>,
    pub creators: Vec<String>,
    /// The edition's locale (`dc:language`).
    pub language: String,
    /// Created and modified, seconds since the Unix epoch.
    pub created: i64,
    /// The publisher, as the extended properties' `Company`.
    pub publisher: Option<String>,
}

/// Which face of a font family an embedded file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EmbeddedFace {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl EmbeddedFace {
    pub fn of(bold: bool, italic: bool) -> EmbeddedFace {
        match (bold, italic) {
            (false, false) => EmbeddedFace::Regular,
            (true, false) => EmbeddedFace::Bold,
            (false, true) => EmbeddedFace::Italic,
            (true, true) => EmbeddedFace::BoldItalic,
        }
    }

    fn element(self) -> &'static str {
        match self {
            EmbeddedFace::Regular => "w:embedRegular",
            EmbeddedFace::Bold => "w:embedBold",
            EmbeddedFace::Italic => "w:embedItalic",
            EmbeddedFace::BoldItalic => "w:embedBoldItalic",
        }
    }
}

/// A font family of `fontTable.xml` with the files to embed.
#[derive(Debug, Clone)]
pub struct EmbeddedFont {
    /// The family name, as the styles and the font's `name` table say it.
    pub name: String,
    /// The family's `OS/2` table (for `w:panose1` and `w:sig`).
    pub os2: Option<Vec<u8>>,
    pub serif: bool,
    pub east_asian: bool,
    /// Each face's installable subset (TrueType).
    pub faces: Vec<(EmbeddedFace, Vec<u8>)>,
}

/// Everything the pass adds.
#[derive(Debug, Clone)]
pub struct PackageParts {
    pub core: CoreProperties,
    /// `w:lang` of the document defaults.
    pub default_lang: Lang,
    /// The language of each paragraph of the body, in document order.
    pub paragraph_langs: Vec<Lang>,
    pub fonts: Vec<EmbeddedFont>,
    /// Ask Word to update fields on opening (the table of contents).
    pub update_fields: bool,
    /// Paragraph styles given `w:suppressAutoHyphens`.
    pub unhyphenated_styles: Vec<String>,
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const FONT_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font";
const ODTTF: &str = "application/vnd.openxmlformats-officedocument.obfuscatedFont";

/// Finishes docx-rs's package `docx` with `parts`.
pub fn finish(docx: Vec<u8>, parts: &PackageParts) -> Result<Vec<u8>, String> {
    let broken = |e: &dyn std::fmt::Display| format!("docx-rs wrote a broken package: {e}");
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).map_err(|e| broken(&e))?;
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for k in 0..archive.len() {
        let mut file = archive.by_index(k).map_err(|e| broken(&e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        file.read_to_end(&mut bytes).map_err(|e| broken(&e))?;
        entries.push((file.name().to_string(), bytes));
    }
    // The parts are out: the package they came in goes before they are rewritten.
    drop(archive);

    // The fonts: obfuscated files, their relationships and table.
    let mut font_files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut table = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="{W_NS}" xmlns:r="{R_NS}">"#
    );
    for font in &parts.fonts {
        table.push_str(&format!(r#"<w:font w:name="{}">"#, escape(&font.name)));
        let os2 = font.os2.as_deref().filter(|t| t.len() >= 86);
        if let Some(os2) = os2 {
            table.push_str(&format!(r#"<w:panose1 w:val="{}"/>"#, hex(&os2[32..42])));
        }
        table.push_str(&format!(
            r#"<w:charset w:val="{}"/><w:family w:val="{}"/><w:pitch w:val="variable"/>"#,
            if font.east_asian { "86" } else { "00" },
            if font.serif { "roman" } else { "swiss" }
        ));
        if let Some(os2) = os2 {
            table.push_str(&format!(
                r#"<w:sig w:usb0="{}" w:usb1="{}" w:usb2="{}" w:usb3="{}" w:csb0="{}" w:csb1="{}"/>"#,
                hex(&os2[42..46]),
                hex(&os2[46..50]),
                hex(&os2[50..54]),
                hex(&os2[54..58]),
                hex(&os2[78..82]),
                hex(&os2[82..86]),
            ));
        }
        let mut faces = font.faces.clone();
        faces.sort_by_key(|(kind, _)| *kind);
        for (kind, bytes) in faces {
            let n = font_files.len() + 1;
            let key = font_key(&bytes);
            let id = format!("rId{n}");
            table.push_str(&format!(
                r#"<{} r:id="{id}" w:fontKey="{key}"/>"#,
                kind.element()
            ));
            rels.push_str(&format!(
                r#"<Relationship Id="{id}" Type="{FONT_REL}" Target="fonts/font{n}.odttf"/>"#
            ));
            font_files.push((format!("word/fonts/font{n}.odttf"), obfuscate(&bytes, &key)));
        }
        table.push_str("</w:font>");
    }
    table.push_str("</w:fonts>");
    rels.push_str("</Relationships>");

    // Hyperlink relationships numbered by their place in the text, not by
    // docx-rs's process-wide counter.
    let links = entries
        .iter()
        .find(|(name, _)| name == "word/document.xml")
        .map(|(_, bytes)| hyperlink_ids(&String::from_utf8_lossy(bytes)))
        .unwrap_or_default();
    let mut para_id = 0u32;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in entries {
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|e| broken(&e));
        let bytes = match name.as_str() {
            "[Content_Types].xml" if !font_files.is_empty() => {
                let xml = text(bytes)?;
                insert_after_open(
                    &xml,
                    "<Types",
                    &format!(r#"<Default Extension="odttf" ContentType="{ODTTF}"/>"#),
                )?
                .into_bytes()
            }
            "docProps/core.xml" => core_xml(&parts.core).into_bytes(),
            "word/fontTable.xml" => table.clone().into_bytes(),
            "word/styles.xml" => {
                let xml = one_normal_style(&text(bytes)?);
                let xml = default_lang(&xml, &parts.default_lang)?;
                unhyphenated(&xml, &parts.unhyphenated_styles)?.into_bytes()
            }
            "docProps/app.xml" => app_xml(parts.core.publisher.as_deref()).into_bytes(),
            "word/settings.xml" => {
                settings(&text(bytes)?, !font_files.is_empty(), parts.update_fields)?.into_bytes()
            }
            "word/document.xml" => {
                let xml = body_langs(&text(bytes)?, &parts.paragraph_langs)?;
                let xml = header_rows(&renumber_links(&xml, &links));
                renumber_para_ids(&xml, &mut para_id).into_bytes()
            }
            "word/_rels/document.xml.rels" => {
                link_relationships_in_order(&renumber_links(&text(bytes)?, &links)).into_bytes()
            }
            "word/footnotes.xml" => {
                let xml = footnote_numbers(&text(bytes)?);
                renumber_para_ids(&xml, &mut para_id).into_bytes()
            }
            other if other.starts_with("word/") && other.ends_with(".xml") => {
                let xml = text(bytes)?;
                renumber_para_ids(&xml, &mut para_id).into_bytes()
            }
            _ => bytes,
        };
        out.push((name, bytes));
    }
    if !font_files.is_empty() {
        out.push(("word/_rels/fontTable.xml.rels".into(), rels.into_bytes()));
        out.extend(font_files);
    }
    // [Content_Types].xml first, as readers expect.
    out.sort_by_key(|(name, _)| name != "[Content_Types].xml");
    write_zip(out)
}

/// Writes the entries, deflated, each dated 1980-01-01 00:00.
fn write_zip(entries: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    // Each part goes as soon as it is in the package.
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options)
            .and_then(|()| zip.write_all(&bytes).map_err(Into::into))
            .map_err(|e| format!("cannot write the DOCX package: {e}"))?;
    }
    zip.finish()
        .map(Cursor::into_inner)
        .map_err(|e| format!("cannot write the DOCX package: {e}"))
}

/// Upper-case hex of bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The GUID that keys a font's obfuscation, derived from the font itself
/// (the first 16 bytes of its SHA-256, marked as an RFC 9562 version 8
/// GUID): `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case as Word
/// writes it (LibreOffice reads only upper-case hex).
pub fn font_key(font: &[u8]) -> String {
    let digest = Sha256::digest(font);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0F) | 0x80;
    b[8] = (b[8] & 0x3F) | 0x80;
    let h = hex(&b);
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// ECMA-376 Part 1, 17.8.1: the GUID's 32 hex digits read as 16 bytes,
/// last byte first, XORed over the first 32 bytes of the font (twice
/// over). The same call undoes it.
pub fn obfuscate(font: &[u8], key: &str) -> Vec<u8> {
    let digits: Vec<u8> = key
        .chars()
        .filter_map(|c| c.to_digit(16))
        .map(|d| d as u8)
        .collect();
    let bytes: Vec<u8> = digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect();
    let mut out = font.to_vec();
    if bytes.len() == 16 {
        for (i, byte) in out.iter_mut().take(32).enumerate() {
            *byte ^= bytes[15 - i % 16];
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (W3CDTF, as core properties want).
fn w3c_date(seconds: i64) -> String {
    let crate::write::Utc {
        year,
        month,
        day,
        hour,
        minute,
        second,
    } = crate::write::utc(seconds);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// docx-rs writes an empty `Normal` style before the styles it is given:
/// when it was given one, its placeholder goes.
fn one_normal_style(xml: &str) -> String {
    const NORMAL: &str = r#"<w:style w:type="paragraph" w:styleId="Normal">"#;
    if xml.matches(NORMAL).count() < 2 {
        return xml.to_string();
    }
    let start = xml.find(NORMAL).expect("counted");
    match xml[start..].find("</w:style>") {
        Some(len) => format!(
            "{}{}",
            &xml[..start],
            &xml[start + len + "</w:style>".len()..]
        ),
        None => xml.to_string(),
    }
}

fn app_xml(publisher: Option<&str>) -> String {
    let company =
        publisher.map_or_else(String::new, |p| format!("<Company>{}</Company>", escape(p)));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>{}</Application>{company}</Properties>"#,
        escape(&crate::write::pdf::producer())
    )
}

fn core_xml(core: &CoreProperties) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    );
    if let Some(title) = &core.title {
        xml.push_str(&format!("<dc:title>{}</dc:title>", escape(title)));
    }
    if !core.creators.is_empty() {
        xml.push_str(&format!(
            "<dc:creator>{}</dc:creator>",
            escape(&core.creators.join("; "))
        ));
    }
    let date = w3c_date(core.created);
    xml.push_str(&format!(
        "<cp:lastModifiedBy>offprint</cp:lastModifiedBy><cp:revision>1</cp:revision><dc:language>{}</dc:language><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        escape(&core.language)
    ));
    xml
}

/// Inserts `insert` right after the start tag that begins with `open`.
fn insert_after_open(xml: &str, open: &str, insert: &str) -> Result<String, String> {
    let start = xml
        .find(open)
        .ok_or_else(|| format!("docx-rs wrote no {open}>"))?;
    let end = start
        + xml[start..]
            .find('>')
            .ok_or_else(|| format!("docx-rs wrote a broken {open}>"))?
        + 1;
    Ok(format!("{}{insert}{}", &xml[..end], &xml[end..]))
}

/// `settings.xml` with the font embedding flags (and `w:updateFields`),
/// each where the schema's order puts it: after `w:zoom`, with
/// `w:defaultTabStop` moved after them; `w:updateFields` before `w:compat`.
fn settings(xml: &str, fonts: bool, update_fields: bool) -> Result<String, String> {
    let mut xml = xml.to_string();
    let tab_stop = match (xml.find("<w:defaultTabStop"), xml.find("<w:zoom")) {
        (Some(start), Some(zoom)) if start < zoom => {
            let end = start + xml[start..].find("/>").ok_or("broken w:defaultTabStop")? + 2;
            let element = xml[start..end].to_string();
            xml.replace_range(start..end, "");
            element
        }
        _ => String::new(),
    };
    let mut after_zoom = String::new();
    if fonts {
        after_zoom.push_str("<w:embedTrueTypeFonts/><w:saveSubsetFonts/>");
    }
    after_zoom.push_str(&tab_stop);
    after_zoom.push_str("<w:autoHyphenation/>");
    let zoom = xml.find("<w:zoom").ok_or("docx-rs wrote no w:zoom")?;
    let end = zoom + xml[zoom..].find("/>").ok_or("broken w:zoom")? + 2;
    xml.insert_str(end, &after_zoom);
    if update_fields {
        let compat = xml.find("<w:compat").ok_or("docx-rs wrote no w:compat")?;
        xml.insert_str(compat, r#"<w:updateFields w:val="true"/>"#);
    }
    Ok(xml)
}

fn xml_error(e: impl std::fmt::Display) -> String {
    format!("cannot rewrite the DOCX's XML: {e}")
}

/// What follows `w:suppressAutoHyphens` in a `w:pPr` (CT_PPrBase's order).
const AFTER_SUPPRESS_AUTO_HYPHENS: [&[u8]; 24] = [
    b"w:kinsoku",
    b"w:wordWrap",
    b"w:overflowPunct",
    b"w:topLinePunct",
    b"w:autoSpaceDE",
    b"w:autoSpaceDN",
    b"w:bidi",
    b"w:adjustRightInd",
    b"w:snapToGrid",
    b"w:spacing",
    b"w:ind",
    b"w:contextualSpacing",
    b"w:mirrorIndents",
    b"w:suppressOverlap",
    b"w:jc",
    b"w:textDirection",
    b"w:textAlignment",
    b"w:textboxTightWrap",
    b"w:outlineLvl",
    b"w:divId",
    b"w:cnfStyle",
    b"w:rPr",
    b"w:sectPr",
    b"w:pPrChange",
];

/// `styles.xml` with `w:suppressAutoHyphens` in the paragraph properties of
/// `styles`, in its place among them.
fn unhyphenated(xml: &str, styles: &[String]) -> Result<String, String> {
    let suppress = || Event::Empty(BytesStart::new("w:suppressAutoHyphens"));
    let mut reader = Reader::from_str(xml);
    let mut writer = Writer::new(Vec::new());
    // Inside a listed style, and whether its properties have the element yet.
    let (mut listed, mut in_properties, mut done) = (false, false, false);
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        let mut insert = false;
        match &event {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"w:style" => {
                listed = e
                    .try_get_attribute("w:styleId")
                    .map_err(xml_error)?
                    .is_some_and(|id| styles.iter().any(|s| s.as_bytes() == id.value.as_ref()));
                done = false;
            }
            Event::Start(e) if listed && e.name().as_ref() == b"w:pPr" => in_properties = true,
            Event::Empty(e) if listed && !done && e.name().as_ref() == b"w:pPr" => {
                writer
                    .write_event(Event::Start(BytesStart::new("w:pPr")))
                    .and_then(|()| writer.write_event(suppress()))
                    .and_then(|()| writer.write_event(Event::End(BytesEnd::new("w:pPr"))))
                    .map_err(xml_error)?;
                done = true;
                continue;
            }
            Event::Start(e) | Event::Empty(e) if in_properties && !done => {
                insert = AFTER_SUPPRESS_AUTO_HYPHENS.contains(&e.name().as_ref());
            }
            Event::End(e) if in_properties && e.name().as_ref() == b"w:pPr" => {
                in_properties = false;
                insert = !done;
            }
            Event::End(e) if listed && e.name().as_ref() == b"w:style" => {
                if !done {
                    return Err("a style to keep unhyphenated has no paragraph properties".into());
                }
                listed = false;
            }
            _ => {}
        }
        if insert {
            writer.write_event(suppress()).map_err(xml_error)?;
            done = true;
        }
        writer.write_event(event).map_err(xml_error)?;
    }
    String::from_utf8(writer.into_inner()).map_err(xml_error)
}

/// `styles.xml` with `w:lang` in the document defaults' run properties.
fn default_lang(xml: &str, lang: &Lang) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut writer = Writer::new(Vec::new());
    let mut in_default = false;
    let mut done = false;
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        match &event {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"w:rPrDefault" => in_default = true,
            Event::End(e) if e.name().as_ref() == b"w:rPrDefault" => in_default = false,
            Event::End(e) if in_default && e.name().as_ref() == b"w:rPr" => {
                writer
                    .write_event(Event::Empty(lang.element()))
                    .map_err(xml_error)?;
                done = true;
            }
            Event::Empty(e) if in_default && e.name().as_ref() == b"w:rPr" => {
                write_rpr_with(&mut writer, lang)?;
                done = true;
                continue;
            }
            _ => {}
        }
        writer.write_event(event).map_err(xml_error)?;
    }
    if !done {
        return Err("docx-rs wrote no run defaults".into());
    }
    String::from_utf8(writer.into_inner()).map_err(xml_error)
}

fn write_rpr_with(writer: &mut Writer<Vec<u8>>, lang: &Lang) -> Result<(), String> {
    writer
        .write_event(Event::Start(BytesStart::new("w:rPr")))
        .and_then(|()| writer.write_event(Event::Empty(lang.element())))
        .and_then(|()| writer.write_event(Event::End(BytesEnd::new("w:rPr"))))
        .map_err(xml_error)
}

/// `document.xml` with each run of the body's paragraphs given its
/// paragraph's `w:lang` (last in its `w:rPr`, where the schema puts it
/// among what docx-rs writes). The paragraphs must be exactly those the
/// languages were given for.
fn body_langs(xml: &str, langs: &[Lang]) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut writer = Writer::new(Vec::new());
    let mut paragraphs = 0usize;
    let mut lang: Option<&Lang> = None;
    // Just after a run's start: its properties come next, or none.
    let mut run_start = false;
    let mut in_run_props = false;
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        if let Event::Eof = event {
            break;
        }
        let name = match &event {
            Event::Start(e) | Event::Empty(e) => Some(e.name().as_ref().to_vec()),
            Event::End(e) => Some(e.name().as_ref().to_vec()),
            _ => None,
        };
        let name = name.as_deref();
        if std::mem::take(&mut run_start) {
            let current = lang.ok_or("a run outside a paragraph")?;
            match (&event, name) {
                (Event::Start(_), Some(b"w:rPr")) => in_run_props = true,
                (Event::Empty(_), Some(b"w:rPr")) => {
                    write_rpr_with(&mut writer, current)?;
                    continue;
                }
                _ => write_rpr_with(&mut writer, current)?,
            }
        }
        match (&event, name) {
            (Event::Start(_), Some(b"w:p")) => {
                lang = Some(langs.get(paragraphs).ok_or_else(|| {
                    format!(
                        "the document has more paragraphs than the {} given languages",
                        langs.len()
                    )
                })?);
                paragraphs += 1;
            }
            (Event::Start(_), Some(b"w:r")) => run_start = true,
            (Event::End(_), Some(b"w:rPr")) if in_run_props => {
                in_run_props = false;
                if let Some(current) = lang {
                    writer
                        .write_event(Event::Empty(current.element()))
                        .map_err(xml_error)?;
                }
            }
            _ => {}
        }
        writer.write_event(event).map_err(xml_error)?;
    }
    if paragraphs != langs.len() {
        return Err(format!(
            "the document has {paragraphs} paragraphs for {} languages",
            langs.len()
        ));
    }
    String::from_utf8(writer.into_inner()).map_err(xml_error)
}

/// The ids of docx-rs's hyperlink relationships, in order of first use.
fn hyperlink_ids(xml: &str) -> Vec<String> {
    const PREFIX: &str = "\"rIdHyperlink";
    let mut ids: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + 1..];
        let Some(end) = after.find('"') else {
            break;
        };
        let id = &after[..end];
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
        rest = &after[end..];
    }
    ids
}

/// `xml` with the hyperlink ids `ids` renamed `rIdLink1`, `rIdLink2`, … in order.
fn renumber_links(xml: &str, ids: &[String]) -> String {
    let mut out = xml.to_string();
    for (k, id) in ids.iter().enumerate() {
        out = out.replace(&format!("\"{id}\""), &format!("\"rIdLink{}\"", k + 1));
    }
    out
}

/// The relationships file with the hyperlinks' in the order of their new
/// numbers (docx-rs orders them by its counter's ids, as strings).
fn link_relationships_in_order(rels: &str) -> String {
    const OPEN: &str = "<Relationship ";
    let Some(first) = rels.find(OPEN) else {
        return rels.to_string();
    };
    let Some(close) = rels.rfind("</Relationships>") else {
        return rels.to_string();
    };
    let mut elements: Vec<&str> = Vec::new();
    let mut rest = &rels[first..close];
    while let Some(end) = rest.find("/>") {
        elements.push(rest[..end + 2].trim());
        rest = &rest[end + 2..];
    }
    let number = |e: &str| -> Option<u32> {
        let at = e.find("Id=\"rIdLink")? + "Id=\"rIdLink".len();
        e[at..].split('"').next()?.parse().ok()
    };
    let (mut links, others): (Vec<&str>, Vec<&str>) =
        elements.into_iter().partition(|e| number(e).is_some());
    links.sort_by_key(|e| number(e));
    let mut out = rels[..first].to_string();
    for element in others.into_iter().chain(links) {
        out.push_str(element);
    }
    out.push_str(&rels[close..]);
    out
}

/// Table rows marked `w:cantSplit` (the header rows: see `content`) become
/// header rows, repeated at the top of each page a table runs over.
fn header_rows(xml: &str) -> String {
    xml.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />")
        .replace("<w:cantSplit/>", "<w:cantSplit/><w:tblHeader/>")
}

/// Each footnote's text opens with its number (`w:footnoteRef`, which Word
/// fills in) and a space, which docx-rs does not write.
fn footnote_numbers(xml: &str) -> String {
    const NUMBER: &str = r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>"#;
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml;
    while let Some(at) = rest.find("<w:footnote ") {
        let note = &rest[at..];
        let end = note.find("</w:footnote>").unwrap_or(note.len());
        // After the first paragraph's properties, or its opening tag.
        let insert = note[..end]
            .find("</w:pPr>")
            .map(|k| k + "</w:pPr>".len())
            .or_else(|| {
                let p = note[..end].find("<w:p")?;
                note[p..end].find('>').map(|k| p + k + 1)
            });
        match insert {
            Some(k) => {
                out.push_str(&rest[..at + k]);
                out.push_str(NUMBER);
                rest = &rest[at + k..];
            }
            None => {
                out.push_str(&rest[..at + end]);
                rest = &rest[at + end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Numbers every `w14:paraId` again, in order, from where `next` stands.
fn renumber_para_ids(xml: &str, next: &mut u32) -> String {
    const ATTR: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(ATTR) {
        let value_start = at + ATTR.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        *next += 1;
        out.push_str(&rest[..value_start]);
        out.push_str(&format!("{:08X}", *next));
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_styles_are_never_hyphenated_and_the_element_sits_in_its_place() {
        let xml = concat!(
            r#"<w:styles>"#,
            r#"<w:style w:type="paragraph" w:styleId="Normal"><w:pPr><w:spacing w:after="0"/><w:jc w:val="both"/></w:pPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:keepNext/><w:spacing w:after="0"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="TOC1"><w:pPr><w:tabs><w:tab w:val="right" w:pos="9000"/></w:tabs></w:pPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Title"><w:pPr/></w:style>"#,
            r#"</w:styles>"#
        );
        let styles = ["Heading1", "TOC1", "Title"].map(String::from);
        let out = unhyphenated(xml, &styles).unwrap();
        assert!(
            out.contains(r#"<w:keepNext/><w:suppressAutoHyphens/><w:spacing w:after="0"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"</w:tabs><w:suppressAutoHyphens/></w:pPr>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"styleId="Title"><w:pPr><w:suppressAutoHyphens/></w:pPr>"#),
            "{out}"
        );
        assert_eq!(
            out.matches("suppressAutoHyphens").count(),
            3,
            "not in Normal: {out}"
        );
        let without =
            r#"<w:styles><w:style w:styleId="Title"><w:rPr><w:b/></w:rPr></w:style></w:styles>"#;
        assert!(unhyphenated(without, &styles).is_err());
    }

    #[test]
    fn font_keys_come_from_the_content_and_obfuscation_undoes_itself() {
        let font: Vec<u8> = (0..100u8).collect();
        let key = font_key(&font);
        assert_eq!(key, font_key(&font));
        assert_ne!(key, font_key(&font[1..]));
        assert_eq!(key.len(), 38);
        assert!(key
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase() || "{-}".contains(c)));
        let hidden = obfuscate(&font, &key);
        assert_ne!(hidden[..32], font[..32]);
        assert_eq!(hidden[32..], font[32..]);
        assert_eq!(obfuscate(&hidden, &key), font);
        // The spec's example order: byte 0 is XORed with the key's last byte.
        let zeros = vec![0u8; 40];
        let known = obfuscate(&zeros, "{00112233-4455-6677-8899-AABBCCDDEEFF}");
        assert_eq!(known[0], 0xFF);
        assert_eq!(known[15], 0x00);
        assert_eq!(known[16], 0xFF);
        assert_eq!(known[32], 0);
    }

    #[test]
    fn runs_get_their_paragraphs_language() {
        let xml = r#"<w:document><w:body><w:p w14:paraId="0000002A"><w:pPr><w:rPr /></w:pPr><w:r><w:rPr /><w:t>a</w:t></w:r><w:r><w:rPr><w:b /></w:rPr><w:t>b</w:t></w:r></w:p><w:p><w:r><w:t>c</w:t></w:r></w:p></w:body></w:document>"#;
        let en = Lang {
            val: "en-GB".into(),
            east_asia: None,
        };
        let zh = Lang {
            val: "zh-CN".into(),
            east_asia: Some("zh-CN".into()),
        };
        let out = body_langs(xml, &[en.clone(), zh.clone()]).unwrap();
        assert_eq!(
            out,
            r#"<w:document><w:body><w:p w14:paraId="0000002A"><w:pPr><w:rPr /></w:pPr><w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr><w:t>a</w:t></w:r><w:r><w:rPr><w:b /><w:lang w:val="en-GB"/></w:rPr><w:t>b</w:t></w:r></w:p><w:p><w:r><w:rPr><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr><w:t>c</w:t></w:r></w:p></w:body></w:document>"#
        );
        assert!(body_langs(xml, std::slice::from_ref(&en)).is_err());
        let mut next = 0;
        assert_eq!(
            renumber_para_ids(&out, &mut next),
            out.replace("0000002A", "00000001")
        );
        assert_eq!(next, 1);
    }

    #[test]
    fn footnotes_open_with_their_number_and_links_are_numbered_in_order() {
        let notes = r#"<w:footnotes><w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText" /></w:pPr><w:r><w:t>A</w:t></w:r></w:p></w:footnote></w:footnotes>"#;
        let out = footnote_numbers(notes);
        assert!(out.contains(r#"</w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>"#), "{out}");
        let body = r#"<w:hyperlink r:id="rIdHyperlink7"/><w:hyperlink r:id="rIdHyperlink12"/><w:hyperlink r:id="rIdHyperlink7"/>"#;
        let ids = hyperlink_ids(body);
        assert_eq!(ids, ["rIdHyperlink7", "rIdHyperlink12"]);
        assert_eq!(
            renumber_links(body, &ids),
            r#"<w:hyperlink r:id="rIdLink1"/><w:hyperlink r:id="rIdLink2"/><w:hyperlink r:id="rIdLink1"/>"#
        );
        let rels = r#"<Relationships><Relationship Id="rIdLink2" Target="b" /><Relationship Id="rId1" Target="s" /><Relationship Id="rIdLink1" Target="a" /></Relationships>"#;
        assert_eq!(
            link_relationships_in_order(rels),
            r#"<Relationships><Relationship Id="rId1" Target="s" /><Relationship Id="rIdLink1" Target="a" /><Relationship Id="rIdLink2" Target="b" /></Relationships>"#
        );
    }

    #[test]
    fn dates_are_w3c_dates() {
        assert_eq!(w3c_date(1_720_051_200), "2024-07-04T00:00:00Z");
        assert_eq!(w3c_date(crate::write::FIXED_DATE), "2000-01-01T00:00:00Z");
    }
}
