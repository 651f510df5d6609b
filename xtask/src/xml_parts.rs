//! Whether every XML part of a zip package (DOCX, EPUB) is well-formed XML 1.0:
//! elements balanced, names matched, entities known, and no character XML
//! forbids, written or referred to.

use quick_xml::events::Event;
use std::io::Read;

/// Checks every part whose name says XML; the first fault, named by its part.
pub fn check_package(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a zip package: {e}"))?;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|e| e.to_string())?;
        let name = part.name().to_string();
        let xml = [".xml", ".rels", ".xhtml", ".opf", ".ncx"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if !xml {
            continue;
        }
        let mut text = String::new();
        part.read_to_string(&mut text)
            .map_err(|e| format!("{name}: not UTF-8 ({e})"))?;
        check(&text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// Whether `c` is a `Char` of XML 1.0.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Checks one XML document.
pub fn check(text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|&c| !allowed(c)) {
        return Err(format!("holds {c:?}, which XML forbids"));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    let mut root_seen = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match &event {
            Event::Start(_) => {
                depth += 1;
                root_seen = true;
            }
            Event::Empty(_) => root_seen = true,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::GeneralRef(reference) => {
                let at = reader.buffer_position();
                match reference.resolve_char_ref() {
                    Ok(Some(c)) if allowed(c) => {}
                    Ok(Some(c)) => {
                        return Err(format!("at byte {at}: refers to {c:?}, which XML forbids"))
                    }
                    Ok(None) => {
                        let name = reference.decode().map_err(|e| e.to_string())?;
                        // XML's five, and the one XHTML entity offprint may write.
                        if !matches!(&*name, "amp" | "lt" | "gt" | "quot" | "apos" | "nbsp") {
                            return Err(format!("at byte {at}: unknown entity &{name};"));
                        }
                    }
                    Err(e) => return Err(format!("at byte {at}: {e}")),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("{depth} element(s) left open"));
    }
    if !root_seen {
        return Err("no root element".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_found() {
        assert!(check("<a><b>text &amp; more</b></a>").is_ok());
        assert!(check("<a><b></a>").is_err());
        assert!(check("<a>\u{1}</a>").is_err());
        assert!(check("<a>&#1;</a>").is_err());
        assert!(check("<a>&bogus;</a>").is_err());
        assert!(check("").is_err());
    }
}
