//! The model as plain text: one block a paragraph, a blank line between blocks.

use crate::model::{BlockKind, Document};

pub fn to_text(document: &Document) -> String {
    let mut out = String::new();
    for block in document.blocks() {
        if !out.is_empty() {
            out.push('\n');
        }
        if let BlockKind::ListItem { marker, .. } = &block.kind {
            out.push_str(marker);
            out.push(' ');
        }
        out.push_str(block.kind.text());
        out.push('\n');
    }
    out
}
