//! Properties of the cleaner on arbitrary text: it never panics, and it
//! never loses a character silently. And of the EPUB and DOCX writers: whatever
//! the text, every XML part is well-formed, and the EPUB reads back to the
//! model's text.

use offprint::clean::{clean, EditKind, Report};
use offprint::input::{text::read_text, RawDoc};
use proptest::prelude::*;

/// The non-white-space characters of the input minus what the report says
/// was removed, in source order.
fn expected_characters(raw: &RawDoc, report: &Report) -> String {
    let mut out = String::new();
    for (page, line) in raw.lines() {
        let edits: Vec<_> = report
            .edits
            .iter()
            .filter(|e| e.page == page && e.line == line.number)
            .collect();
        if edits.iter().any(|e| e.kind.removes_line()) {
            continue;
        }
        let mut text = line.text.trim_end().to_string();
        for edit in edits.iter().filter(|e| e.kind.replaces_characters()) {
            text = text.replacen(&edit.before, &edit.after, 1);
        }
        if edits.iter().any(|e| e.kind == EditKind::Dehyphenated) {
            // The line-end hyphen goes: `-`, U+2010, a soft hyphen, or a pair.
            let kept = text.trim_end_matches(['-', '\u{2010}', '\u{AD}']).len();
            text.truncate(kept);
        }
        out.extend(text.chars().filter(|c| !c.is_whitespace()));
    }
    out
}

fn model_characters(document: &offprint::model::Document) -> String {
    let mut out = String::new();
    for block in document.blocks() {
        push_block_characters(&mut out, block);
    }
    out
}

/// A block's characters as the source had them: a list's items after their markers.
fn push_block_characters(out: &mut String, block: &offprint::model::Block) {
    match &block.kind {
        offprint::model::BlockKind::List {
            numbering, items, ..
        } => {
            for (k, item) in items.iter().enumerate() {
                out.push_str(&numbering.map_or_else(|| "•".to_string(), |n| n.marker(k)));
                for block in &item.blocks {
                    push_block_characters(out, block);
                }
            }
        }
        other => out.extend(other.plain_text().chars().filter(|c| !c.is_whitespace())),
    }
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let raw = read_text(text.as_bytes()).expect("valid UTF-8");
    let cleaned = clean(&raw);
    prop_assert_eq!(
        expected_characters(&raw, &cleaned.report),
        model_characters(&cleaned.document)
    );
    Ok(())
}

/// Pieces that exercise the passes: words, CJK, hyphens at line ends,
/// numbers and page furniture, labels, list markers, spaces and breaks.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Zéà]{1,10}".prop_map(|w| w),
        2 => "[社会工作部中国共产党。，“”]{1,12}".prop_map(|w| w),
        1 => "[ﬁﬂﬀ⼈⼊]{1,3}".prop_map(|w| w),
        2 => Just(" ".to_string()),
        1 => Just("  ".to_string()),
        3 => Just("\n".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just("-\n".to_string()),
        1 => Just("\u{AD}\n".to_string()),
        1 => Just("\u{2010}\n".to_string()),
        1 => Just(" \u{2010}\n".to_string()),
        1 => Just("\u{AD}\u{2010}\n".to_string()),
        1 => Just("\x0c".to_string()),
        1 => "[0-9]{1,4}".prop_map(|w| w),
        1 => Just("\n2\n".to_string()),
        1 => Just("\nPage 3 of 9\n".to_string()),
        1 => Just("\nChinese:\n".to_string()),
        1 => Just("\n1. ".to_string()),
        1 => Just("\n2. ".to_string()),
        1 => Just(". ".to_string()),
        1 => Just("Date: 4 July 2024\n".to_string()),
        1 => "[.,;:?!()«»]".prop_map(|w| w),
    ]
}

/// The text of an XHTML body: tags dropped, the five XML entities decoded.
fn xhtml_text(xhtml: &str) -> String {
    let body = &xhtml[xhtml.find("<body>").expect("a body") + 6..];
    let body = &body[..body.find("</body>").expect("a closed body")];
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn check_epub(text: &str) -> Result<(), TestCaseError> {
    use std::io::Read;
    use std::sync::{Mutex, OnceLock};
    static BOOK: OnceLock<Mutex<offprint::fonts::FontBook>> = OnceLock::new();
    let raw = read_text(text.as_bytes()).expect("valid UTF-8");
    let document = clean(&raw).document;
    let mut book = BOOK
        .get_or_init(|| Mutex::new(offprint::fonts::FontBook::new(&Default::default()).unwrap()))
        .lock()
        .unwrap();
    let edition = offprint::edition::Edition::Combined;
    let epub = offprint::write::epub::write_epub(&document, &edition, &mut book, 0)
        .map_err(TestCaseError::fail)?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&epub.bytes)).unwrap();
    let first = archive.by_index(0).unwrap().name().to_string();
    prop_assert_eq!(first, "mimetype");
    let mut names: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("OEBPS/section-"))
        .map(String::from)
        .collect();
    names.sort();
    let mut got = String::new();
    for name in names {
        let mut xhtml = String::new();
        archive
            .by_name(&name)
            .unwrap()
            .read_to_string(&mut xhtml)
            .unwrap();
        got.extend(xhtml_text(&xhtml).chars().filter(|c| !c.is_whitespace()));
    }
    // XML 1.0 has no place for control characters; everything else is kept.
    let xml = |c: &char| !c.is_whitespace() && !c.is_control();
    let expected: String = document
        .blocks()
        .flat_map(|b| b.kind.plain_text().chars().collect::<Vec<_>>())
        .filter(xml)
        .filter(|&c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect();
    prop_assert_eq!(got, expected);
    Ok(())
}

/// Fails unless `xml` is well-formed and holds only characters XML 1.0 allows,
/// whether written as such or as character references.
fn check_xml(name: &str, xml: &[u8]) -> Result<(), TestCaseError> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(xml).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
    if let Some(c) = text.chars().find(|&c| !offprint::xml::allowed(c)) {
        return Err(TestCaseError::fail(format!("{name}: holds {c:?}")));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::GeneralRef(reference) => {
                let resolved = reference
                    .resolve_char_ref()
                    .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
                if let Some(c) = resolved.filter(|&c| !offprint::xml::allowed(c)) {
                    return Err(TestCaseError::fail(format!("{name}: refers to {c:?}")));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    prop_assert_eq!(depth, 0, "{}: unclosed elements", name);
    Ok(())
}

/// A document of `text`, cleaned, with its first block's text set to `text`
/// as it came: what a reader that does not clean would hand the writers.
fn uncleaned_document(text: &str) -> offprint::model::Document {
    let raw = read_text(text.as_bytes()).expect("valid UTF-8");
    let mut document = clean(&raw).document;
    if let Some(block) = document
        .sections
        .iter_mut()
        .flat_map(|s| &mut s.blocks)
        .next()
    {
        block.kind = offprint::model::BlockKind::paragraph(text);
    }
    document.meta.title = Some(text.to_string());
    document
}

fn check_docx(text: &str) -> Result<(), TestCaseError> {
    use std::io::Read;
    use std::sync::{Mutex, OnceLock};
    static BOOK: OnceLock<Mutex<offprint::fonts::FontBook>> = OnceLock::new();
    let document = uncleaned_document(text);
    let mut book = BOOK
        .get_or_init(|| Mutex::new(offprint::fonts::FontBook::new(&Default::default()).unwrap()))
        .lock()
        .unwrap();
    let options = offprint::WriteOptions {
        toc: true,
        ..Default::default()
    };
    let edition = offprint::edition::Edition::Combined;
    let docx = offprint::write::docx::write_docx(&document, &edition, &mut book, &options, &[])
        .map_err(TestCaseError::fail)?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx.bytes)).unwrap();
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).unwrap();
        let name = part.name().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut xml = Vec::new();
            part.read_to_end(&mut xml).unwrap();
            check_xml(&name, &xml)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn structured_text_keeps_every_character(pieces in prop::collection::vec(piece(), 0..120)) {
        check(&pieces.concat())?;
    }

    #[test]
    fn arbitrary_text_keeps_every_character(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(raw) = read_text(&bytes) {
            let _ = clean(&raw);
        }
    }

    #[test]
    fn any_text_reads_back_out_of_its_epub(pieces in prop::collection::vec(piece(), 0..60)) {
        check_epub(&pieces.concat())?;
    }

    #[test]
    fn arbitrary_text_reads_back_out_of_its_epub(text in any::<String>()) {
        check_epub(&text)?;
    }

    #[test]
    fn any_text_makes_docx_parts_of_well_formed_xml(pieces in prop::collection::vec(piece(), 0..60)) {
        check_docx(&pieces.concat())?;
    }

    #[test]
    fn arbitrary_text_makes_docx_parts_of_well_formed_xml(text in any::<String>()) {
        check_docx(&text)?;
    }
}
