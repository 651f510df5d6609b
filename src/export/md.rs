//! The model as pandoc Markdown: YAML front matter, one fenced div a
//! section (`::: {lang=zh label="Chinese"}`), then CommonMark blocks and
//! inlines with the extensions pandoc and offprint's reader share (pipe
//! tables, footnotes, `~~strikeout~~`, `^super^` and `~sub~`). What it
//! writes, [`crate::input::markdown`] reads back to the same model.

use super::push_prefixed;
use crate::model::{Alignment, Block, BlockKind, Document, Inline, Note, Table};

pub fn to_markdown(document: &Document) -> String {
    let mut out = front_matter(document);
    // The Markdown is the text and a little markup: reserved at once, a long
    // document's is not copied as it grows.
    out.reserve(
        document
            .blocks()
            .map(|b| b.kind.plain_text().len() + 8)
            .sum(),
    );
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
            push_block(&mut out, block);
            out.push('\n');
        }
        out.push_str(":::\n");
    }
    for note in &document.notes {
        out.push('\n');
        push_note(&mut out, note);
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

/// One block, without a line end after its last line.
fn push_block(out: &mut String, block: &Block) {
    match &block.kind {
        BlockKind::Heading { level, content } => {
            out.push_str(&"#".repeat(usize::from((*level).clamp(1, 6))));
            out.push(' ');
            push_inlines(out, content);
        }
        BlockKind::Paragraph { content } => {
            let start = out.len();
            push_inlines(out, content);
            escape_block_start(out, start);
        }
        BlockKind::List {
            numbering,
            tight,
            items,
        } => {
            let tight = *tight;
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push_str(if tight { "\n" } else { "\n\n" });
                }
                let marker = numbering.map_or_else(|| "-".to_string(), |n| n.marker(k));
                let indent = " ".repeat(marker.len() + 1);
                let body = blocks_markdown(&item.blocks, tight);
                push_prefixed(out, &body, &format!("{marker} "), &indent);
            }
        }
        BlockKind::Quote { blocks } => {
            let body = blocks_markdown(blocks, false);
            for (k, line) in body.split('\n').enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                out.push('>');
                if !line.is_empty() {
                    out.push(' ');
                    out.push_str(line);
                }
            }
        }
        BlockKind::CodeBlock { syntax, text } => {
            let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
            out.push_str(&fence);
            if let Some(syntax) = syntax {
                out.push_str(syntax);
            }
            out.push('\n');
            out.push_str(text);
            out.push('\n');
            out.push_str(&fence);
        }
        BlockKind::Table(table) => push_table(out, table),
        BlockKind::ThematicBreak => out.push_str("* * *"),
    }
}

/// Blocks one after another, parted by a blank line (by a line end in a
/// tight list).
fn blocks_markdown(blocks: &[Block], tight: bool) -> String {
    let mut body = String::new();
    for (k, block) in blocks.iter().enumerate() {
        if k > 0 {
            body.push_str(if tight { "\n" } else { "\n\n" });
        }
        push_block(&mut body, block);
    }
    body
}

fn push_note(out: &mut String, note: &Note) {
    let body = blocks_markdown(&note.blocks, false);
    push_prefixed(out, &body, &format!("[^{}]: ", note.id), "    ");
    out.push('\n');
}

/// A pipe table: a header row (empty when the table has none, as pipe
/// tables need one), the alignment row, the body rows.
fn push_table(out: &mut String, table: &Table) {
    let columns = table
        .head
        .iter()
        .chain(&table.body)
        .map(|row| row.cells.len())
        .max()
        .unwrap_or(0)
        .max(table.columns.len())
        .max(1);
    let push_row = |out: &mut String, cells: &[crate::model::Cell]| {
        out.push('|');
        for k in 0..columns {
            out.push(' ');
            if let Some(cell) = cells.get(k) {
                let start = out.len();
                push_inlines(out, &cell.content);
                let escaped = out[start..].replace('|', "\\|");
                out.truncate(start);
                out.push_str(&escaped);
            }
            out.push_str(" |");
        }
    };
    match table.head.first() {
        Some(row) => push_row(out, &row.cells),
        None => push_row(out, &[]),
    }
    out.push_str("\n|");
    for k in 0..columns {
        out.push_str(match table.columns.get(k).copied().unwrap_or_default() {
            Alignment::Default => "---|",
            Alignment::Left => ":--|",
            Alignment::Center => ":-:|",
            Alignment::Right => "--:|",
        });
    }
    for row in table.head.iter().skip(1).chain(&table.body) {
        out.push('\n');
        push_row(out, &row.cells);
    }
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for d in text.chars() {
        run = if d == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

pub fn push_inlines(out: &mut String, content: &[Inline]) {
    for inline in content {
        push_inline(out, inline);
    }
}

fn push_inline(out: &mut String, inline: &Inline) {
    let wrapped = |out: &mut String, mark: &str, content: &[Inline]| {
        out.push_str(mark);
        push_inlines(out, content);
        out.push_str(mark);
    };
    match inline {
        Inline::Text { text } => push_escaped(out, text),
        // `***x***` is read as emphasis in strong by pandoc and the other
        // way round by CommonMark: `_**x**_` is read alike.
        Inline::Emphasis { content }
            if matches!(content.first(), Some(Inline::Strong { .. }))
                || matches!(content.last(), Some(Inline::Strong { .. })) =>
        {
            wrapped(out, "_", content)
        }
        Inline::Emphasis { content } => wrapped(out, "*", content),
        Inline::Strong { content } => wrapped(out, "**", content),
        Inline::Strikeout { content } => wrapped(out, "~~", content),
        Inline::Superscript { content } => wrapped(out, "^", content),
        Inline::Subscript { content } => wrapped(out, "~", content),
        Inline::Code { text } => {
            let fence = "`".repeat(longest_run(text, '`') + 1);
            let pad = if text.starts_with('`') || text.ends_with('`') {
                " "
            } else {
                ""
            };
            out.push_str(&fence);
            out.push_str(pad);
            out.push_str(text);
            out.push_str(pad);
            out.push_str(&fence);
        }
        Inline::Link { target, content } => {
            out.push('[');
            push_inlines(out, content);
            out.push_str("](");
            if target.contains([' ', '(', ')', '<', '>']) {
                out.push('<');
                out.push_str(&target.replace('<', "%3C").replace('>', "%3E"));
                out.push('>');
            } else {
                out.push_str(target);
            }
            out.push(')');
        }
        Inline::NoteRef { id } => {
            out.push_str("[^");
            out.push_str(id);
            out.push(']');
        }
        Inline::LineBreak => out.push_str("\\\n"),
    }
}

/// Backslash-escapes the characters that would turn into markup inline.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    out.reserve(text.len());
    for (k, c) in text.char_indices() {
        let markup = match c {
            '\\' | '*' | '_' | '`' | '<' | '[' | ']' | '~' | '^' => true,
            // `&amp;` and `&#38;` would be read as the character they name.
            '&' => starts_entity(&text[k + 1..]),
            _ => false,
        };
        if markup {
            out.push('\\');
        }
        out.push(c);
    }
}

fn starts_entity(after: &str) -> bool {
    let name = after.trim_start_matches('#');
    let len = name.bytes().take_while(u8::is_ascii_alphanumeric).count();
    len > 0 && name[len..].starts_with(';')
}

/// Escapes the start of a paragraph written from `start` on, where pandoc
/// would read a heading, a list item, a quote, a fence or a break.
fn escape_block_start(out: &mut String, start: usize) {
    let text = &out[start..];
    let starts_block = text.starts_with(['#', '>', '-', '+', ':', '|', '='])
        || crate::clean::lists::parse_marker(text).is_some()
        || text.starts_with("    ");
    if !starts_block {
        return;
    }
    // A backslash before the first punctuation mark is enough for pandoc.
    if let Some(k) = text.find(|c: char| c.is_ascii_punctuation()) {
        out.insert(start + k, '\\');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, ListItem, Numbering, Row};

    fn paragraph_markdown(text: &str) -> String {
        let mut out = String::new();
        push_block(&mut out, &Block::new(BlockKind::paragraph(text), "en"));
        out
    }

    #[test]
    fn paragraph_starts_that_would_become_markup_are_escaped() {
        assert_eq!(paragraph_markdown("# not a heading"), "\\# not a heading");
        assert_eq!(paragraph_markdown("1. not an item"), "1\\. not an item");
        assert_eq!(paragraph_markdown("Plain (text)"), "Plain (text)");
        assert_eq!(escape("a*b ~c^ &amp; & b"), "a\\*b \\~c\\^ \\&amp; & b");
    }

    #[test]
    fn inlines_nested_lists_quotes_code_and_tables() {
        let paragraph = |content: Vec<Inline>| Block::new(BlockKind::Paragraph { content }, "en");
        let content = vec![
            Inline::text("An "),
            Inline::Emphasis {
                content: vec![Inline::text("em")],
            },
            Inline::text(", "),
            Inline::Strong {
                content: vec![Inline::text("strong")],
            },
            Inline::text(" "),
            Inline::Link {
                target: "https://example.org/a b".into(),
                content: vec![Inline::Code { text: "a`b".into() }],
            },
            Inline::NoteRef { id: "1".into() },
        ];
        assert_eq!(
            {
                let mut out = String::new();
                push_block(&mut out, &paragraph(content));
                out
            },
            "An *em*, **strong** [``a`b``](<https://example.org/a b>)[^1]"
        );
        let nested = Block::new(
            BlockKind::List {
                numbering: Some(Numbering::DECIMAL),
                tight: false,
                items: vec![
                    ListItem {
                        blocks: vec![
                            paragraph(vec![Inline::text("one")]),
                            Block::new(
                                BlockKind::List {
                                    numbering: None,
                                    tight: false,
                                    items: vec![ListItem {
                                        blocks: vec![paragraph(vec![Inline::text("inner")])],
                                    }],
                                },
                                "en",
                            ),
                        ],
                    },
                    ListItem {
                        blocks: vec![Block::new(
                            BlockKind::Quote {
                                blocks: vec![
                                    paragraph(vec![Inline::text("said")]),
                                    Block::new(
                                        BlockKind::CodeBlock {
                                            syntax: Some("rust".into()),
                                            text: "fn main() {}".into(),
                                        },
                                        "en",
                                    ),
                                ],
                            },
                            "en",
                        )],
                    },
                ],
            },
            "en",
        );
        let mut out = String::new();
        push_block(&mut out, &nested);
        assert_eq!(
            out,
            "1. one\n\n   - inner\n\n2. > said\n   >\n   > ```rust\n   > fn main() {}\n   > ```"
        );
        let table = Table {
            columns: vec![Alignment::Left, Alignment::Right],
            head: vec![Row {
                cells: vec![
                    Cell {
                        content: vec![Inline::text("a|b")],
                    },
                    Cell {
                        content: vec![Inline::text("n")],
                    },
                ],
            }],
            body: vec![Row {
                cells: vec![Cell {
                    content: vec![Inline::text("x")],
                }],
            }],
        };
        let mut out = String::new();
        push_table(&mut out, &table);
        assert_eq!(out, "| a\\|b | n |\n|:--|--:|\n| x |  |");
    }
}
