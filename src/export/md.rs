//! The model as pandoc Markdown: YAML front matter, one fenced div a
//! section (`::: {lang=zh label="Chinese"}`), `# ` headings, `N. ` items.

use crate::model::{BlockKind, Document};

pub fn to_markdown(document: &Document) -> String {
    let mut out = front_matter(document);
    // The Markdown is the text and a little markup: reserved at once, a long
    // document's is not copied as it grows.
    out.reserve(document.blocks().map(|b| b.kind.text().len() + 8).sum());
    for section in &document.sections {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("::: {lang=");
        out.push_str(&section.lang);
        if let Some(label) = &section.label {
            out.push_str(" label=");
            out.push_str(&quoted(label));
        }
        out.push_str("}\n");
        for (k, block) in section.blocks.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            match &block.kind {
                BlockKind::Heading { level, text } => {
                    out.push_str(&"#".repeat(usize::from((*level).clamp(1, 6))));
                    out.push(' ');
                    out.push_str(&escape(text));
                }
                BlockKind::Paragraph { text } => out.push_str(&escape_paragraph(text)),
                BlockKind::ListItem { marker, text } => {
                    out.push_str(list_marker(marker));
                    out.push(' ');
                    out.push_str(&escape(text));
                }
            }
            out.push('\n');
        }
        out.push_str(":::\n");
    }
    out
}

fn front_matter(document: &Document) -> String {
    let meta = &document.meta;
    let mut fields = String::new();
    if let Some(title) = &meta.title {
        fields.push_str(&format!("title: {}\n", quoted(title)));
    }
    if !meta.authors.is_empty() {
        fields.push_str("author:\n");
        for author in &meta.authors {
            fields.push_str(&format!("  - {}\n", quoted(author)));
        }
    }
    if let Some(date) = &meta.date {
        fields.push_str(&format!("date: {date}\n"));
    }
    if let Some(publisher) = &meta.publisher {
        fields.push_str(&format!("publisher: {}\n", quoted(publisher)));
    }
    if let Some(rights) = &meta.rights {
        fields.push_str(&format!("rights: {}\n", quoted(rights)));
    }
    if fields.is_empty() {
        return fields;
    }
    format!("---\n{fields}---\n")
}

/// A double-quoted YAML / attribute string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Bullets are written as pandoc's `-`; numbers and letters as they were.
fn list_marker(marker: &str) -> &str {
    if marker.ends_with(['.', ')']) {
        marker
    } else {
        "-"
    }
}

/// Backslash-escapes the characters that would turn into markup inline.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a paragraph, including a start that pandoc would read as a
/// heading, a list item, a quote or a fence.
fn escape_paragraph(text: &str) -> String {
    let escaped = escape(text);
    let starts_block = escaped.starts_with(['#', '>', '-', '+', ':', '|'])
        || crate::clean::lists::parse_marker(&escaped).is_some();
    if !starts_block {
        return escaped;
    }
    // A backslash before the first punctuation mark is enough for pandoc.
    match escaped.find(|c: char| c.is_ascii_punctuation()) {
        Some(k) => format!("{}\\{}", &escaped[..k], &escaped[k..]),
        None => escaped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_starts_that_would_become_markup_are_escaped() {
        assert_eq!(escape_paragraph("# not a heading"), "\\# not a heading");
        assert_eq!(escape_paragraph("1. not an item"), "1\\. not an item");
        assert_eq!(escape_paragraph("Plain (text)"), "Plain (text)");
        assert_eq!(escape("a*b"), "a\\*b");
    }
}
