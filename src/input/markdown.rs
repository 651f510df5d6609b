//! Reader for the Markdown that `offprint clean` writes, so an editor can
//! correct the clean text by hand and typeset it: YAML front matter
//! (`title`, `author`, `date`), one fenced div per language section
//! (`::: {lang=zh label="Chinese"}`), `#` headings, `N. ` / `- ` list items
//! and paragraphs. Reading it back and writing it again changes nothing.
//!
//! The text is already clean, so it becomes a [`Document`] directly; lines
//! an editor wrapped inside a block are joined as the cleaner joins them.

use crate::clean::chars::line_joiner;
use crate::clean::lists::parse_marker;
use crate::model::{Block, BlockKind, Document, Meta, Provenance, Section};

/// Why Markdown could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for MarkdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Whether `text` looks like offprint Markdown: front matter, or a language div.
pub fn looks_like_markdown(text: &str) -> bool {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.starts_with("---\n") || text.lines().any(|l| l.starts_with("::: {lang="))
}

/// Reads offprint Markdown into a document.
pub fn read_markdown(text: &str) -> Result<Document, MarkdownError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let (meta, body_start) = front_matter(&lines)?;
    let mut document = Document {
        meta,
        sections: Vec::new(),
    };
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut in_section = false;
    for (index, &line) in lines.iter().enumerate().skip(body_start) {
        let number = index + 1;
        if let Some(attributes) = line.strip_prefix(":::").map(str::trim) {
            flush(&mut block, &mut document)?;
            if attributes.is_empty() {
                in_section = false;
            } else {
                document.sections.push(open_section(attributes, number)?);
                in_section = true;
            }
        } else if line.trim().is_empty() {
            flush(&mut block, &mut document)?;
        } else {
            if !in_section && document.sections.is_empty() {
                document.sections.push(Section {
                    lang: "und".into(),
                    label: None,
                    blocks: Vec::new(),
                });
            }
            block.push((number, line));
        }
    }
    flush(&mut block, &mut document)?;
    document
        .sections
        .retain(|s| !s.blocks.is_empty() || s.label.is_some());
    for section in &document.sections {
        if !document.meta.languages.contains(&section.lang) {
            document.meta.languages.push(section.lang.clone());
        }
    }
    Ok(document)
}

/// The YAML front matter offprint writes: `key: value` lines and an
/// `author:` list of `  - "Name"` items.
fn front_matter(lines: &[&str]) -> Result<(Meta, usize), MarkdownError> {
    let mut meta = Meta::default();
    if lines.first() != Some(&"---") {
        return Ok((meta, 0));
    }
    for (index, line) in lines.iter().enumerate().skip(1) {
        if *line == "---" || *line == "..." {
            return Ok((meta, index + 1));
        }
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            meta.authors.push(unquote(item.trim()));
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(MarkdownError {
                line: index + 1,
                reason: "front matter line is not `key: value`".into(),
            });
        };
        let value = unquote(value.trim());
        match key.trim() {
            "title" => meta.title = Some(value),
            "date" => meta.date = Some(value),
            "publisher" => meta.publisher = Some(value),
            "rights" => meta.rights = Some(value),
            "author" if !value.is_empty() => meta.authors.push(value),
            _ => {}
        }
    }
    Err(MarkdownError {
        line: lines.len(),
        reason: "front matter is not closed by `---`".into(),
    })
}

/// A double-quoted YAML string, or a plain one.
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => unescape_quoted(inner),
        None => value.to_string(),
    }
}

fn unescape_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `{lang=zh label="Chinese"}` opens a section.
fn open_section(attributes: &str, line: usize) -> Result<Section, MarkdownError> {
    let inner = attributes
        .strip_prefix('{')
        .and_then(|a| a.strip_suffix('}'))
        .ok_or_else(|| MarkdownError {
            line,
            reason: "a div must be `::: {lang=xx}`".into(),
        })?;
    let lang = inner
        .split_whitespace()
        .find_map(|a| a.strip_prefix("lang="))
        .map(|l| l.trim_matches('"').to_string())
        .ok_or_else(|| MarkdownError {
            line,
            reason: "a div needs a `lang=` attribute".into(),
        })?;
    let label = inner.find("label=\"").map(|start| {
        let rest = &inner[start + "label=\"".len()..];
        let mut end = rest.len();
        let mut escaped = false;
        for (k, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = k;
                    break;
                }
                _ => escaped = false,
            }
        }
        unescape_quoted(&rest[..end])
    });
    Ok(Section {
        lang,
        label,
        blocks: Vec::new(),
    })
}

/// Turns the lines of one block into a heading, list item or paragraph.
fn flush(block: &mut Vec<(usize, &str)>, document: &mut Document) -> Result<(), MarkdownError> {
    let Some(&(first_number, first)) = block.first() else {
        return Ok(());
    };
    let mut text = String::new();
    let mut provenance = Provenance::default();
    for &(number, line) in block.iter() {
        let line = line.trim();
        if let (Some(last), Some(next)) = (text.chars().next_back(), line.chars().next()) {
            text.push_str(line_joiner(last, next));
        }
        text.push_str(line);
        provenance.add_line(1, number);
    }
    block.clear();
    let hashes = first.chars().take_while(|&c| c == '#').count();
    let kind = if (1..=6).contains(&hashes) && first[hashes..].starts_with(' ') {
        BlockKind::Heading {
            level: hashes as u8,
            text: unescape(text[hashes..].trim()),
        }
    } else if let Some(rest) = text.strip_prefix("- ") {
        BlockKind::ListItem {
            marker: "•".into(),
            text: unescape(rest),
        }
    } else if let Some(marker) = parse_marker(&text).filter(|m| m.ordinal.is_some()) {
        BlockKind::ListItem {
            text: unescape(&text[marker.len..]),
            marker: marker.text,
        }
    } else {
        BlockKind::Paragraph {
            text: unescape(&text),
        }
    };
    let section = document.sections.last_mut().ok_or(MarkdownError {
        line: first_number,
        reason: "text outside any section".into(),
    })?;
    section.blocks.push(Block {
        kind,
        lang: section.lang.clone(),
        provenance,
    });
    Ok(())
}

/// Removes Markdown backslash escapes (`\*` → `*`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::md::to_markdown;

    #[test]
    fn every_fixture_round_trips_byte_for_byte() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["fixtures/brief", "fixtures/corpus"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if !path.to_string_lossy().ends_with(".expected.md") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let document = read_markdown(&text).unwrap();
                assert_eq!(to_markdown(&document), text, "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 4);
    }

    #[test]
    fn reads_sections_labels_and_blocks() {
        let text = "---\ntitle: \"A \\\"quoted\\\" title\"\nauthor:\n  - \"Ann\"\ndate: 2024-07-04\n---\n\n::: {lang=zh label=\"Chinese\"}\n# 标题\n\n第一行\n第二行\n:::\n\n::: {lang=en}\n1. An item\nwrapped.\n\n- A bullet with a \\* star\n:::\n";
        let document = read_markdown(text).unwrap();
        assert_eq!(document.meta.title.as_deref(), Some("A \"quoted\" title"));
        assert_eq!(document.meta.authors, vec!["Ann"]);
        assert_eq!(document.meta.languages, vec!["zh", "en"]);
        let zh = &document.sections[0];
        assert_eq!(zh.label.as_deref(), Some("Chinese"));
        assert_eq!(zh.blocks[1].kind.text(), "第一行第二行");
        let en = &document.sections[1];
        assert_eq!(
            en.blocks[0].kind,
            BlockKind::ListItem {
                marker: "1.".into(),
                text: "An item wrapped.".into()
            }
        );
        assert_eq!(en.blocks[1].kind.text(), "A bullet with a * star");
        assert_eq!(en.blocks[0].provenance.spans[0].first_line, 16);
    }

    #[test]
    fn publisher_and_rights_round_trip() {
        let text = "---\ntitle: \"T\"\npublisher: \"MERICS\"\nrights: \"CC BY 4.0\"\n---\n\n::: {lang=en}\nText.\n:::\n";
        let document = read_markdown(text).unwrap();
        assert_eq!(document.meta.publisher.as_deref(), Some("MERICS"));
        assert_eq!(document.meta.rights.as_deref(), Some("CC BY 4.0"));
        assert_eq!(to_markdown(&document), text);
    }

    #[test]
    fn broken_markdown_names_the_line() {
        let err = read_markdown("---\ntitle: x\n").unwrap_err();
        assert!(err.reason.contains("not closed"));
        let err = read_markdown("::: {label=x}\ntext\n:::\n").unwrap_err();
        assert_eq!(err.line, 1);
    }
}
