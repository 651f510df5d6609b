//! The XHTML of one section's content document: its blocks and inlines, and
//! the notes first referred to in it, as `<aside epub:type="footnote">` with
//! links back to the reference.

use super::{escape, lang_attrs, Usage};
use crate::fonts::{Marks, Role};
use crate::model::{plain_text, Alignment, Block, BlockKind, Document, Inline, Numbering};
use crate::model::{NumberStyle, Table};
use std::collections::BTreeMap;

/// Where each note is written and the number it is shown with: in the file
/// of its first reference, numbered in the order of first reference.
pub struct NotePlan {
    /// Note id → (number, file).
    placed: BTreeMap<String, (usize, String)>,
}

impl NotePlan {
    /// `files[k]` is the content document of section `k`.
    pub fn new(document: &Document, files: &[String]) -> NotePlan {
        let mut placed = BTreeMap::new();
        for (section, file) in document.sections.iter().zip(files) {
            for id in Document::note_ids(&section.blocks) {
                if document.note(&id).is_some() && !placed.contains_key(&id) {
                    let number = placed.len() + 1;
                    placed.insert(id, (number, file.clone()));
                }
            }
        }
        NotePlan { placed }
    }
}

/// One content document's body being written.
pub struct Body<'u, 'b> {
    usage: &'u mut Usage<'b>,
    plan: &'u NotePlan,
    file: &'u str,
    /// The edition's language (of the navigation entries).
    edition_lang: &'u str,
    cjk_lang: &'u str,
    pub html: String,
    /// Entries for the headings: file#id, level, XHTML, plain text.
    pub headings: Vec<(String, u8, String, String)>,
    /// Notes already referred to here (their reference carries the id).
    referred: Vec<String>,
}

impl<'u, 'b> Body<'u, 'b> {
    pub fn new(
        usage: &'u mut Usage<'b>,
        plan: &'u NotePlan,
        file: &'u str,
        edition_lang: &'u str,
        cjk_lang: &'u str,
    ) -> Body<'u, 'b> {
        Body {
            usage,
            plan,
            file,
            edition_lang,
            cjk_lang,
            html: String::new(),
            headings: Vec::new(),
            referred: Vec::new(),
        }
    }

    /// `blocks` inside an element of language `outer`.
    pub fn blocks(&mut self, blocks: &[Block], outer: &str) {
        for block in blocks {
            self.block(block, outer);
        }
    }

    fn block(&mut self, block: &Block, outer: &str) {
        let lang = block.lang_or(outer).to_string();
        let attrs = if lang != outer {
            lang_attrs(&lang)
        } else {
            String::new()
        };
        match &block.kind {
            BlockKind::Heading { level, content } => {
                let level = (*level).clamp(1, 6);
                let id = format!("h{}", self.headings.len() + 1);
                self.html
                    .push_str(&format!("<h{level} id=\"{id}\"{attrs}>"));
                self.inlines(content, Role::Heading, Marks::NONE, &lang);
                self.html.push_str(&format!("</h{level}>\n"));
                let text = plain_text(content);
                // The entry, in the navigation document.
                self.usage.note(&text, Role::Body, Marks::NONE, &lang);
                let entry = if lang != self.edition_lang {
                    format!("<span{}>{}</span>", lang_attrs(&lang), escape(&text))
                } else {
                    escape(&text)
                };
                self.headings
                    .push((format!("{}#{id}", self.file), level, entry, escape(&text)));
            }
            BlockKind::Paragraph { content } => {
                self.html.push_str(&format!("<p{attrs}>"));
                self.inlines(content, Role::Body, Marks::NONE, &lang);
                self.html.push_str("</p>\n");
            }
            BlockKind::List {
                numbering, items, ..
            } => {
                let tag = match numbering {
                    Some(numbering) => {
                        self.html
                            .push_str(&format!("<ol{}{attrs}>\n", ol_attributes(numbering)));
                        for k in 0..items.len() {
                            let marker = numbering.marker(k);
                            self.usage.note(&marker, Role::Body, Marks::NONE, &lang);
                        }
                        "ol"
                    }
                    None => {
                        self.html.push_str(&format!("<ul{attrs}>\n"));
                        self.usage.note("•◦▪", Role::Body, Marks::NONE, &lang);
                        "ul"
                    }
                };
                for item in items {
                    self.html.push_str("<li>");
                    match item.blocks.as_slice() {
                        // An item of one paragraph: its text is the item's.
                        [Block {
                            kind: BlockKind::Paragraph { content },
                            ..
                        }] if item.blocks[0].lang_or(&lang) == lang => {
                            self.inlines(content, Role::Body, Marks::NONE, &lang)
                        }
                        blocks => {
                            self.html.push('\n');
                            self.blocks(blocks, &lang);
                        }
                    }
                    self.html.push_str("</li>\n");
                }
                self.html.push_str(&format!("</{tag}>\n"));
            }
            BlockKind::Quote { blocks } => {
                self.html.push_str(&format!("<blockquote{attrs}>\n"));
                self.blocks(blocks, &lang);
                self.html.push_str("</blockquote>\n");
            }
            BlockKind::CodeBlock { text, .. } => {
                let code = Marks {
                    code: true,
                    ..Marks::NONE
                };
                self.usage.note(text, Role::Body, code, &lang);
                self.html.push_str(&format!(
                    "<pre{attrs}><code>{}</code></pre>\n",
                    escape(text)
                ));
            }
            BlockKind::Table(table) => self.table(table, &attrs, &lang),
            BlockKind::ThematicBreak => self.html.push_str("<hr/>\n"),
        }
    }

    fn table(&mut self, table: &Table, attrs: &str, lang: &str) {
        self.html.push_str(&format!("<table{attrs}>\n"));
        let align = |k: usize| match table.columns.get(k).copied().unwrap_or_default() {
            Alignment::Default => "",
            Alignment::Left => " class=\"left\"",
            Alignment::Center => " class=\"center\"",
            Alignment::Right => " class=\"right\"",
        };
        if !table.head.is_empty() {
            self.html.push_str("<thead>\n");
            for row in &table.head {
                self.html.push_str("<tr>");
                for (k, cell) in row.cells.iter().enumerate() {
                    self.html
                        .push_str(&format!("<th scope=\"col\"{}>", align(k)));
                    self.inlines(&cell.content, Role::Body, bold(), lang);
                    self.html.push_str("</th>");
                }
                self.html.push_str("</tr>\n");
            }
            self.html.push_str("</thead>\n");
        }
        self.html.push_str("<tbody>\n");
        for row in &table.body {
            self.html.push_str("<tr>");
            for (k, cell) in row.cells.iter().enumerate() {
                self.html.push_str(&format!("<td{}>", align(k)));
                self.inlines(&cell.content, Role::Body, Marks::NONE, lang);
                self.html.push_str("</td>");
            }
            self.html.push_str("</tr>\n");
        }
        self.html.push_str("</tbody>\n</table>\n");
    }

    fn inlines(&mut self, content: &[Inline], role: Role, marks: Marks, lang: &str) {
        for inline in content {
            self.inline(inline, role, marks, lang);
        }
    }

    fn wrapped(&mut self, tag: &str, content: &[Inline], role: Role, marks: Marks, lang: &str) {
        self.html.push_str(&format!("<{tag}>"));
        self.inlines(content, role, marks, lang);
        self.html.push_str(&format!("</{tag}>"));
    }

    fn inline(&mut self, inline: &Inline, role: Role, marks: Marks, lang: &str) {
        match inline {
            Inline::Text { text } => {
                let html = self.usage.inline(text, role, marks, lang, self.cjk_lang);
                self.html.push_str(&html);
            }
            Inline::Emphasis { content } => {
                let marks = Marks {
                    italic: true,
                    ..marks
                };
                self.wrapped("em", content, role, marks, lang)
            }
            Inline::Strong { content } => {
                let marks = Marks {
                    bold: true,
                    ..marks
                };
                self.wrapped("strong", content, role, marks, lang)
            }
            Inline::Strikeout { content } => self.wrapped("s", content, role, marks, lang),
            Inline::Superscript { content } => self.wrapped("sup", content, role, marks, lang),
            Inline::Subscript { content } => self.wrapped("sub", content, role, marks, lang),
            Inline::Code { text } => {
                let code = Marks {
                    code: true,
                    ..marks
                };
                self.usage.note(text, role, code, lang);
                self.html
                    .push_str(&format!("<code>{}</code>", escape(text)));
            }
            Inline::Link { target, content } if crate::model::leads_out(target) => {
                self.html
                    .push_str(&format!("<a href=\"{}\">", escape(target)));
                self.inlines(content, role, marks, lang);
                self.html.push_str("</a>");
            }
            // A link inside the source document leads nowhere in the book:
            // its text stays.
            Inline::Link { content, .. } => self.inlines(content, role, marks, lang),
            Inline::NoteRef { id } => self.note_ref(id, lang),
            Inline::LineBreak => self.html.push_str("<br/>"),
        }
    }

    fn note_ref(&mut self, id: &str, lang: &str) {
        let Some((number, file)) = self.plan.placed.get(id) else {
            return;
        };
        let number_text = number.to_string();
        self.usage.note(&number_text, Role::Body, Marks::NONE, lang);
        let href = if file == self.file {
            format!("#note-{number}")
        } else {
            format!("{file}#note-{number}")
        };
        // The first reference in the note's own file is where it links back to.
        let anchor = if file == self.file && !self.referred.iter().any(|r| r == id) {
            self.referred.push(id.to_string());
            format!(" id=\"ref-{number}\"")
        } else {
            String::new()
        };
        self.html.push_str(&format!(
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"{href}\"{anchor}>{number}</a></sup>"
        ));
    }

    /// The notes placed in this document, after its text.
    pub fn notes(&mut self, document: &Document, lang: &str) {
        let mut here: Vec<(usize, &str)> = self
            .plan
            .placed
            .iter()
            .filter(|(_, (_, file))| file == self.file)
            .map(|(id, (number, _))| (*number, id.as_str()))
            .collect();
        here.sort_unstable();
        for (number, id) in here {
            let Some(note) = document.note(id) else {
                continue;
            };
            self.html.push_str(&format!(
                "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"note-{number}\" class=\"note\">\n"
            ));
            let number_text = number.to_string();
            self.usage.note(&number_text, Role::Body, Marks::NONE, lang);
            self.html.push_str(&format!(
                "<p class=\"note-number\"><a role=\"doc-backlink\" href=\"#ref-{number}\">{number}</a></p>\n"
            ));
            self.blocks(&note.blocks, lang);
            self.html.push_str("</aside>\n");
        }
    }
}

fn bold() -> Marks {
    Marks {
        bold: true,
        ..Marks::NONE
    }
}

/// The `type` and `start` of an `<ol>`.
fn ol_attributes(numbering: &Numbering) -> String {
    let mut attributes = String::new();
    let style = match numbering.style {
        NumberStyle::Decimal => None,
        NumberStyle::LowerAlpha => Some("a"),
        NumberStyle::UpperAlpha => Some("A"),
        NumberStyle::LowerRoman => Some("i"),
        NumberStyle::UpperRoman => Some("I"),
    };
    if let Some(style) = style {
        attributes.push_str(&format!(" type=\"{style}\""));
    }
    if numbering.start != 1 {
        attributes.push_str(&format!(" start=\"{}\"", numbering.start));
    }
    attributes
}
