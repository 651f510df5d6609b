//! The model as plain text: a blank line between blocks; list items after
//! their marker, nested ones indented; quotations indented; table rows one a
//! line with their cells parted by tabs; note references as `[id]`, the notes
//! at the end.

use super::push_prefixed;
use crate::model::{plain_text, Block, BlockKind, Document, Inline};

pub fn to_text(document: &Document) -> String {
    let mut out = String::new();
    for block in document.blocks() {
        if !out.is_empty() {
            out.push('\n');
        }
        push_block(&mut out, block);
        out.push('\n');
    }
    for note in &document.notes {
        out.push('\n');
        let body = blocks_text(&note.blocks);
        push_prefixed(&mut out, &body, &format!("[{}] ", note.id), "    ");
        out.push('\n');
    }
    out
}

fn push_block(out: &mut String, block: &Block) {
    match &block.kind {
        BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
            push_inlines(out, content)
        }
        BlockKind::List {
            numbering,
            tight,
            items,
        } => {
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push_str(if *tight { "\n" } else { "\n\n" });
                }
                let marker = numbering.map_or_else(|| "•".to_string(), |n| n.marker(k));
                let indent = " ".repeat(marker.chars().count() + 1);
                push_prefixed(
                    out,
                    &blocks_text(&item.blocks),
                    &format!("{marker} "),
                    &indent,
                );
            }
        }
        BlockKind::Quote { blocks } => push_prefixed(out, &blocks_text(blocks), "    ", "    "),
        BlockKind::CodeBlock { text, .. } => out.push_str(text),
        BlockKind::Table(table) => {
            for (k, row) in table.head.iter().chain(&table.body).enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|cell| plain_text(&cell.content).into_owned())
                    .collect();
                out.push_str(&cells.join("\t"));
            }
        }
        BlockKind::ThematicBreak => out.push_str("* * *"),
    }
}

/// Blocks parted by blank lines.
fn blocks_text(blocks: &[Block]) -> String {
    let mut body = String::new();
    for (k, block) in blocks.iter().enumerate() {
        if k > 0 {
            body.push_str("\n\n");
        }
        push_block(&mut body, block);
    }
    body
}

fn push_inlines(out: &mut String, content: &[Inline]) {
    for inline in content {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::NoteRef { id } => {
                out.push('[');
                out.push_str(id);
                out.push(']');
            }
            Inline::LineBreak => out.push('\n'),
            other => push_inlines(out, other.children().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ListItem, Note, Numbering, Section};

    #[test]
    fn nested_lists_are_indented_and_notes_follow() {
        let paragraph = |text: &str| Block::new(BlockKind::paragraph(text), "en");
        let inner = Block::new(
            BlockKind::List {
                numbering: None,
                tight: true,
                items: vec![ListItem {
                    blocks: vec![paragraph("inner")],
                }],
            },
            "en",
        );
        let list = Block::new(
            BlockKind::List {
                numbering: Some(Numbering::DECIMAL),
                tight: false,
                items: vec![ListItem {
                    blocks: vec![paragraph("outer"), inner],
                }],
            },
            "en",
        );
        let noted = Block::new(
            BlockKind::Paragraph {
                content: vec![Inline::text("Said."), Inline::NoteRef { id: "1".into() }],
            },
            "en",
        );
        let document = Document {
            sections: vec![Section {
                lang: "en".into(),
                label: None,
                blocks: vec![list, noted],
            }],
            notes: vec![Note {
                id: "1".into(),
                blocks: vec![paragraph("A source.")],
            }],
            ..Document::default()
        };
        assert_eq!(
            to_text(&document),
            "1. outer\n\n   • inner\n\nSaid.[1]\n\n[1] A source.\n"
        );
    }
}
