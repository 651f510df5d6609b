//! Whether pandoc reads offprint's Markdown to the structure of the model it
//! was written from: both are put in one canonical form — blocks and inline
//! marks as nested terms, white space collapsed — and compared. pandoc puts a
//! note's text where it is referred to, so the model's note references are
//! replaced by their notes' blocks.

use offprint::model::{Block, BlockKind, Document, Inline};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// `None` when pandoc reads `markdown` (written from `model`) to the same
/// structure, else the first place where the two differ.
pub fn difference(markdown: &Path, model: &Document) -> Result<Option<String>, String> {
    let output = Command::new("pandoc")
        .args(["-f", "markdown-smart", "-t", "json"])
        .arg(markdown)
        .output()
        .map_err(|e| format!("cannot run pandoc (apt-get install pandoc): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "pandoc failed on {}: {}",
            markdown.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let ast: Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let read = pandoc_blocks(&ast["blocks"]);
    let written = model_blocks(model);
    if read == written {
        return Ok(None);
    }
    let at = read
        .chars()
        .zip(written.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let around = |s: &str| {
        s.chars()
            .skip(at.saturating_sub(60))
            .take(140)
            .collect::<String>()
    };
    Ok(Some(format!(
        "pandoc reads {:?}, the model is {:?}",
        around(&read),
        around(&written)
    )))
}

/// White space collapsed to single spaces, none at the ends.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn model_blocks(document: &Document) -> String {
    let mut out = String::new();
    for section in &document.sections {
        for block in &section.blocks {
            model_block(&mut out, block, document);
        }
    }
    out
}

fn model_block(out: &mut String, block: &Block, document: &Document) {
    match &block.kind {
        BlockKind::Heading { level, content } => {
            out.push_str(&format!("(h{level} {})", model_inlines(content, document)))
        }
        BlockKind::Paragraph { content } => {
            out.push_str(&format!("(p {})", model_inlines(content, document)))
        }
        BlockKind::List {
            numbering, items, ..
        } => {
            match numbering {
                Some(n) => out.push_str(&format!("(ol {} {:?}", n.start, n.style)),
                None => out.push_str("(ul"),
            }
            for item in items {
                out.push_str(" (li");
                for block in &item.blocks {
                    model_block(out, block, document);
                }
                out.push(')');
            }
            out.push(')');
        }
        BlockKind::Quote { blocks } => {
            out.push_str("(quote");
            for block in blocks {
                model_block(out, block, document);
            }
            out.push(')');
        }
        BlockKind::CodeBlock { text, .. } => out.push_str(&format!("(code {text:?})")),
        BlockKind::Table(table) => {
            out.push_str("(table");
            for row in table.head.iter().chain(&table.body) {
                out.push_str(" (tr");
                for cell in &row.cells {
                    out.push_str(&format!(" (td {})", model_inlines(&cell.content, document)));
                }
                out.push(')');
            }
            out.push(')');
        }
        BlockKind::ThematicBreak => out.push_str("(hr)"),
    }
}

fn model_inlines(content: &[Inline], document: &Document) -> String {
    let mut text = String::new();
    for inline in content {
        let wrap =
            |tag: &str, content: &[Inline]| format!("({tag} {})", model_inlines(content, document));
        match inline {
            Inline::Text { text: t } => text.push_str(t),
            Inline::Emphasis { content } => text.push_str(&wrap("em", content)),
            Inline::Strong { content } => text.push_str(&wrap("strong", content)),
            Inline::Strikeout { content } => text.push_str(&wrap("s", content)),
            Inline::Superscript { content } => text.push_str(&wrap("sup", content)),
            Inline::Subscript { content } => text.push_str(&wrap("sub", content)),
            Inline::Code { text: t } => text.push_str(&format!("(code {t:?})")),
            Inline::Link { target, content } => text.push_str(&format!(
                "(a {target:?} {})",
                model_inlines(content, document)
            )),
            Inline::NoteRef { id } => {
                text.push_str("(note");
                if let Some(note) = document.note(id) {
                    for block in &note.blocks {
                        model_block(&mut text, block, document);
                    }
                }
                text.push(')');
            }
            Inline::LineBreak => text.push_str("(br)"),
        }
    }
    squeeze(&text)
}

fn pandoc_blocks(blocks: &Value) -> String {
    let mut out = String::new();
    for block in blocks.as_array().into_iter().flatten() {
        pandoc_block(&mut out, block);
    }
    out
}

fn pandoc_block(out: &mut String, block: &Value) {
    let c = &block["c"];
    match block["t"].as_str().unwrap_or("") {
        // The sections' divs hold the blocks.
        "Div" => out.push_str(&pandoc_blocks(&c[1])),
        "Header" => out.push_str(&format!("(h{} {})", c[0], pandoc_inlines(&c[2]))),
        "Para" | "Plain" => out.push_str(&format!("(p {})", pandoc_inlines(c))),
        "BulletList" | "OrderedList" => {
            let items = if block["t"] == "OrderedList" {
                let style = match c[0][1]["t"].as_str().unwrap_or("") {
                    "LowerAlpha" => "LowerAlpha",
                    "UpperAlpha" => "UpperAlpha",
                    "LowerRoman" => "LowerRoman",
                    "UpperRoman" => "UpperRoman",
                    _ => "Decimal",
                };
                out.push_str(&format!("(ol {} {style}", c[0][0]));
                &c[1]
            } else {
                out.push_str("(ul");
                c
            };
            for item in items.as_array().into_iter().flatten() {
                out.push_str(" (li");
                out.push_str(&pandoc_blocks(item));
                out.push(')');
            }
            out.push(')');
        }
        "BlockQuote" => out.push_str(&format!("(quote{})", pandoc_blocks(c))),
        "CodeBlock" => out.push_str(&format!("(code {:?})", c[1].as_str().unwrap_or(""))),
        "HorizontalRule" => out.push_str("(hr)"),
        "Table" => {
            out.push_str("(table");
            let head = c[3][1].as_array().into_iter().flatten();
            let bodies = c[4].as_array().into_iter().flatten();
            let body = bodies.flat_map(|b| b[3].as_array().into_iter().flatten());
            for row in head.chain(body) {
                out.push_str(" (tr");
                for cell in row[1].as_array().into_iter().flatten() {
                    // A cell holds blocks; offprint's, one paragraph of inlines.
                    let inlines: Vec<Value> = cell[4]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|b| b["c"].as_array().cloned().unwrap_or_default())
                        .collect();
                    out.push_str(&format!(" (td {})", pandoc_inlines(&Value::Array(inlines))));
                }
                out.push(')');
            }
            out.push(')');
        }
        other => out.push_str(&format!("({other})")),
    }
}

fn pandoc_inlines(inlines: &Value) -> String {
    let mut text = String::new();
    for inline in inlines.as_array().into_iter().flatten() {
        let c = &inline["c"];
        let wrap = |tag: &str| format!("({tag} {})", pandoc_inlines(c));
        match inline["t"].as_str().unwrap_or("") {
            "Str" => text.push_str(c.as_str().unwrap_or("")),
            "Space" | "SoftBreak" => text.push(' '),
            "LineBreak" => text.push_str("(br)"),
            "Emph" => text.push_str(&wrap("em")),
            "Strong" => text.push_str(&wrap("strong")),
            "Strikeout" => text.push_str(&wrap("s")),
            "Superscript" => text.push_str(&wrap("sup")),
            "Subscript" => text.push_str(&wrap("sub")),
            "Code" => text.push_str(&format!("(code {:?})", c[1].as_str().unwrap_or(""))),
            "Link" => text.push_str(&format!(
                "(a {:?} {})",
                c[2][0].as_str().unwrap_or(""),
                pandoc_inlines(&c[1])
            )),
            "Note" => text.push_str(&format!("(note{})", pandoc_blocks(c))),
            other => text.push_str(&format!("({other})")),
        }
    }
    squeeze(&text)
}
