//! The text a reader of an edition should find, from the model the edition
//! was written from (its `--to json` export), a line per paragraph: what
//! `pdftotext` should give back of the PDF, and the EPUB's bodies.

use offprint::model::{Block, BlockKind, Document, Inline};
use std::collections::BTreeMap;
use std::path::Path;

/// Which edition the text is read from: what each shows that the model does
/// not say in words.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// List markers drawn as text (bullets by depth); the notes at the
    /// foot of their pages (see [`note_texts`]), not in the text.
    Pdf,
    /// List markers drawn by the reading system; each note after the text of
    /// the section that first refers to it, after its number.
    Epub,
    /// The DOCX as LibreOffice prints it: list markers drawn as text, the
    /// thematic break's `* * *`, the footnotes after the text (as on a page
    /// of their own) after their number.
    DocxPrinted,
}

/// The model of an edition, as `offprint convert --to json` wrote it.
pub fn read_model(path: &Path) -> Result<Document, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    offprint::export::json::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The title block an edition with a title opens with: the title, then its
/// authors and date on one line. Empty without a title.
pub fn title_block(document: &Document) -> String {
    let mut out = String::new();
    if let Some(title) = &document.meta.title {
        out.push_str(title);
        out.push('\n');
        if let Some(byline) = document.meta.byline() {
            out.push_str(&byline);
            out.push('\n');
        }
    }
    out
}

/// The edition's text: its title block, its blocks, its notes.
pub fn expected_text(document: &Document, reader: Reader) -> String {
    let numbers = document.note_numbers();
    let mut text = Text {
        out: title_block(document),
        reader,
        numbers: &numbers,
        depth: 0,
    };
    let mut placed = Vec::new();
    for section in &document.sections {
        text.blocks(&section.blocks);
        if reader == Reader::Epub {
            // The notes first referred to here follow the section's text.
            for id in Document::note_ids(&section.blocks) {
                if !placed.contains(&id) {
                    text.note(document, &id);
                    placed.push(id);
                }
            }
        }
    }
    if reader == Reader::DocxPrinted {
        for id in Document::note_ids(document.blocks()) {
            text.note(document, &id);
        }
    }
    text.out
}

/// The text of each note as the PDF sets it at the foot of its page: its
/// number and period, then its text.
pub fn note_texts(document: &Document) -> Vec<String> {
    let numbers = document.note_numbers();
    Document::note_ids(document.blocks())
        .iter()
        .map(|id| {
            let mut text = Text {
                out: String::new(),
                reader: Reader::Pdf,
                numbers: &numbers,
                depth: 0,
            };
            text.note(document, id);
            text.out
        })
        .filter(|t| !t.is_empty())
        .collect()
}

struct Text<'n> {
    out: String,
    reader: Reader,
    numbers: &'n BTreeMap<String, usize>,
    /// How deep in lists the blocks being read are.
    depth: usize,
}

impl Text<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match &block.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph { content } => {
                self.inlines(content);
                self.out.push('\n');
            }
            BlockKind::List {
                numbering, items, ..
            } => {
                for (k, item) in items.iter().enumerate() {
                    if self.reader != Reader::Epub {
                        let bullet = || ["•", "◦", "▪"][self.depth % 3].to_string();
                        let marker = numbering.map_or_else(bullet, |n| n.marker(k));
                        self.out.push_str(&marker);
                        self.out.push(' ');
                    }
                    self.depth += 1;
                    self.blocks(&item.blocks);
                    self.depth -= 1;
                }
            }
            BlockKind::Quote { blocks } => self.blocks(blocks),
            BlockKind::CodeBlock { text, .. } => {
                self.out.push_str(text);
                self.out.push('\n');
            }
            BlockKind::Table(table) => {
                for row in table.head.iter().chain(&table.body) {
                    for cell in &row.cells {
                        self.inlines(&cell.content);
                        self.out.push('\n');
                    }
                }
            }
            // A rule in the PDF, `<hr/>` in the EPUB: no text.
            BlockKind::ThematicBreak => {
                if self.reader == Reader::DocxPrinted {
                    self.out.push_str("* * *\n");
                }
            }
        }
    }

    fn note(&mut self, document: &Document, id: &str) {
        let (Some(note), Some(number)) = (document.note(id), self.numbers.get(id)) else {
            return;
        };
        self.out.push_str(&match self.reader {
            Reader::Pdf => format!("{number}. "),
            Reader::Epub | Reader::DocxPrinted => format!("{number}\n"),
        });
        self.blocks(&note.blocks);
    }

    fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            match inline {
                Inline::Text { text } | Inline::Code { text } => self.out.push_str(text),
                Inline::NoteRef { id } => {
                    if let Some(number) = self.numbers.get(id) {
                        self.out.push_str(&number.to_string());
                    }
                }
                Inline::LineBreak => self.out.push('\n'),
                other => self.inlines(other.children().unwrap_or_default()),
            }
        }
    }
}
