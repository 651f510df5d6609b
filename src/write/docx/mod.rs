//! The DOCX writer: an editable Word edition of the model, built with
//! `docx-rs` and finished by [`package`].
//!
//! Everything that makes the look lives in named styles defined once —
//! `Normal` (body), `Title`, `Subtitle` (the byline), `heading 1`–`3`,
//! `List Number` / `List Bullet`, `header`, `footer` and, with a table of contents,
//! `TOC Heading`, `toc 1`–`3` — so that the document can be restyled in
//! Word: paragraphs name their style and carry nothing else; runs carry
//! only their language, the `eastAsia` font hint in Chinese text, and an
//! explicit font where a character falls back to a face that is not the
//! style's. Every style names the Latin face for `ascii`/`hAnsi` and the
//! CJK face for `eastAsia`. List items are numbered by `numbering.xml`
//! (one numbering instance per list, starting at its first marker), never
//! by typed digits; headings carry their outline level for the navigation
//! pane. As in the PDF, pages after the first are headed by the title, or
//! (a document without one) by a STYLEREF field that Word fills with the
//! page's current top-level heading; every footer holds a PAGE field. With
//! `toc`, a table of contents field opens the document, its entries written
//! out (hyperlinks to bookmarked headings and PAGEREF fields) so that a
//! reader shows them without updating fields; their page numbers come from
//! offprint's own typesetting of the same edition.
//!
//! What docx-rs cannot say — core properties, `w:lang`, embedded fonts,
//! deterministic ids and compression — [`package`] adds to its package.

mod content;
pub mod package;

use crate::edition::Edition;
use crate::fonts::script::{class_of, is_east_asian_lang, Class};
use crate::fonts::subset::{installable, NotEmbeddable};
use crate::fonts::{FaceId, FontBook, Marks, Role};
use crate::layout::Paper;
use crate::model::{plain_text, BlockKind, Document};
use crate::write::WriteOptions;
use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, Header, Hyperlink, HyperlinkType, InstrPAGEREF,
    InstrText, InstrToC, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Style, StyleType, Tab, TabLeaderType, TabValueType,
};
use package::{CoreProperties, EmbeddedFace, EmbeddedFont, Lang, PackageParts};
use std::collections::{BTreeMap, BTreeSet};

/// Region subtags of the languages, for `w:lang` and `dc:language`
/// (`en` → `en-GB`, …); configurable per run of offprint.
#[derive(Debug, Clone)]
pub struct Locales {
    map: BTreeMap<String, String>,
}

impl Default for Locales {
    fn default() -> Self {
        let map = crate::lang::default_regions()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Locales { map }
    }
}

impl Locales {
    /// Sets the locale of a language: `set("en", "en-US")`.
    pub fn set(&mut self, lang: &str, locale: &str) -> Result<(), String> {
        let valid = |tag: &str| {
            !tag.is_empty()
                && tag.split('-').all(|part| {
                    (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
                })
        };
        if !valid(lang) || !valid(locale) {
            return Err(format!("{lang}={locale} is not LANG=LOCALE (en=en-US)"));
        }
        self.map
            .insert(lang.to_ascii_lowercase(), locale.to_string());
        Ok(())
    }

    /// The locale of a language tag: configured, else the tag itself
    /// (`und` stays `und`).
    pub fn of(&self, lang: &str) -> String {
        if lang.contains('-') {
            return lang.to_string();
        }
        self.map
            .get(&lang.to_ascii_lowercase())
            .cloned()
            .unwrap_or_else(|| lang.to_string())
    }
}

/// One DOCX edition and what could not be done faithfully.
#[derive(Debug, Clone)]
pub struct RenderedDocx {
    pub bytes: Vec<u8>,
    /// Characters that no available font covers.
    pub uncovered: BTreeSet<char>,
    /// Faces used but not embedded, with the reason.
    pub not_embedded: Vec<String>,
}

/// Points to twentieths of a point.
fn twips(points: f32) -> i32 {
    (points * 20.0).round() as i32
}

/// Style ids (what paragraphs name) of the fixed styles.
const NORMAL: &str = "Normal";
const TITLE: &str = "Title";
const SUBTITLE: &str = "Subtitle";
const LIST_NUMBER: &str = "ListNumber";
const LIST_BULLET: &str = "ListBullet";
const HEADER: &str = "Header";
const FOOTER: &str = "Footer";
const TOC_HEADING: &str = "TOCHeading";

fn heading_style(level: u8) -> String {
    format!("Heading{}", level.clamp(1, 3))
}

/// The styles a reader must never hyphenate (Word and LibreOffice hyphenate
/// every paragraph when the document asks for automatic hyphenation): titles,
/// headings, the contents and the running lines, whose faces may be subsets
/// without a hyphen.
fn unhyphenated_styles() -> Vec<String> {
    let mut styles: Vec<String> = [TITLE, SUBTITLE, TOC_HEADING, HEADER, FOOTER]
        .map(String::from)
        .into();
    styles.extend((1..=3).flat_map(|level| [heading_style(level), toc_style(level)]));
    styles
}

fn toc_style(level: u8) -> String {
    format!("TOC{}", level.clamp(1, 3))
}

/// The faces of the styles: Latin and CJK, for body and headings.
struct StyleFaces {
    body: (Option<FaceId>, Option<FaceId>),
    heading: (Option<FaceId>, Option<FaceId>),
}

impl StyleFaces {
    fn of(&self, role: Role) -> (Option<FaceId>, Option<FaceId>) {
        match role {
            Role::Body => self.body,
            Role::Heading => self.heading,
        }
    }
}

/// Builds the document: paragraphs, runs, the characters each face sets.
struct Builder<'a> {
    book: &'a mut FontBook,
    faces: StyleFaces,
    locales: &'a Locales,
    /// Characters each face must hold.
    used: BTreeMap<FaceId, BTreeSet<char>>,
    uncovered: BTreeSet<char>,
    /// The language of each body paragraph, in document order.
    langs: Vec<Lang>,
    docx: Docx,
    /// The document's notes, and the footnote number of each written so far.
    notes: &'a [crate::model::Note],
    footnotes: BTreeMap<String, usize>,
    /// Writing a footnote's text (which cannot hold another).
    in_note: bool,
    numbering: content::ListNumbering,
    heading_levels: BTreeSet<u8>,
    heading_count: usize,
    has_toc: bool,
    /// The next body paragraph starts a page (the text after the contents).
    page_break_pending: bool,
}

impl Builder<'_> {
    fn family(&self, face: Option<FaceId>) -> Option<String> {
        face.map(|f| self.book.face(f).family.clone())
    }

    /// `w:rFonts` of a style of `role`.
    fn style_fonts(&self, role: Role) -> RunFonts {
        let (latin, cjk) = self.faces.of(role);
        let mut fonts = RunFonts::new();
        if let Some(name) = self.family(latin) {
            fonts = fonts.ascii(&name).hi_ansi(&name).cs(&name);
        }
        if let Some(name) = self.family(cjk) {
            fonts = fonts.east_asia(name);
        }
        fonts
    }

    fn lang(&self, lang: &str) -> Lang {
        let locale = self.locales.of(lang);
        if is_east_asian_lang(lang) {
            Lang {
                val: locale.clone(),
                east_asia: Some(locale),
            }
        } else {
            Lang {
                val: locale,
                east_asia: None,
            }
        }
    }

    /// The runs of `text` set in `role` in language `lang`.
    fn runs(&mut self, text: &str, role: Role, lang: &str) -> Vec<Run> {
        self.runs_marked(text, role, Marks::NONE, lang)
    }

    /// The runs of `text` set in `role`, marked up by `marks`, in language
    /// `lang`: one run, or more where a character falls back to a family the
    /// style does not name (that run names it; code names the monospaced
    /// one). Italic and bold are run properties, which Word sets in the
    /// family's italic and bold faces. Records the characters of each face.
    fn runs_marked(&mut self, text: &str, role: Role, marks: Marks, lang: &str) -> Vec<Run> {
        let east_asian = is_east_asian_lang(lang);
        let (latin, cjk) = self.faces.of(role);
        let mut segments: Vec<(Option<FaceId>, String)> = Vec::new();
        for c in text.chars().filter(|&c| crate::xml::allowed(c)) {
            let class = class_of(c, east_asian);
            let primary = match class {
                Class::Latin => latin,
                Class::Cjk => cjk,
            };
            let explicit = match self.book.face_marked(role, class, marks, c) {
                Ok(face) => {
                    self.used.entry(face).or_default().insert(c);
                    let family = &self.book.face(face).family;
                    let styled = primary.map(|p| &self.book.face(p).family);
                    (Some(family) != styled).then_some(face)
                }
                Err(u) => {
                    if !c.is_whitespace() && !c.is_control() {
                        self.uncovered.insert(u.ch);
                    }
                    None
                }
            };
            // A reader may set neutral characters of Chinese text (digits,
            // punctuation, spaces, `·`) in the CJK face or in the Latin one
            // (LibreOffice takes `·` for Latin): both have them.
            if east_asian {
                for face in [cjk, latin].into_iter().flatten() {
                    if self.book.face(face).covers(c) {
                        self.used.entry(face).or_default().insert(c);
                    }
                }
            }
            match segments.last_mut() {
                Some((face, run)) if *face == explicit => run.push(c),
                _ => segments.push((explicit, c.to_string())),
            }
        }
        segments
            .into_iter()
            .map(|(face, text)| {
                let mut run = Run::new().add_text(text);
                if marks.italic {
                    run = run.italic();
                }
                if marks.bold {
                    run = run.bold();
                }
                let mut fonts = None;
                if let Some(face) = face {
                    fonts = Some(content::one_family(&self.book.face(face).family));
                }
                if east_asian {
                    fonts = Some(fonts.unwrap_or_default().hint("eastAsia"));
                }
                if let Some(fonts) = fonts {
                    run = run.fonts(fonts);
                }
                run
            })
            .collect()
    }

    /// Adds a paragraph of the text in `lang`: the first after the contents
    /// starts a page.
    fn push_body(&mut self, mut paragraph: Paragraph, lang: &str) {
        if std::mem::take(&mut self.page_break_pending) {
            paragraph = paragraph.page_break_before(true);
        }
        self.push(paragraph, lang);
    }

    /// Adds a body paragraph in `lang`.
    fn push(&mut self, paragraph: Paragraph, lang: &str) {
        self.langs.push(self.lang(lang));
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(paragraph);
    }

    /// Every character `face` may be asked for that no text shows (page
    /// numbers, the TOC's dot leaders, hyphens of automatic hyphenation).
    fn also(&mut self, face: Option<FaceId>, chars: &str) {
        if let Some(face) = face {
            let covered: Vec<char> = chars
                .chars()
                .filter(|&c| self.book.face(face).covers(c))
                .collect();
            self.used.entry(face).or_default().extend(covered);
        }
    }
}

/// The running header of the pages after the first: the document's title;
/// a document without one is headed, page by page, by its current
/// top-level heading — a STYLEREF field that Word (and LibreOffice from
/// 7.6) fills in as it lays out the pages. Its result is left empty: any
/// text written there would head every page in a reader that does not
/// update fields, whatever heading the page is under.
fn running_header(b: &mut Builder, document: &Document, lang: &str) -> Header {
    let mut p = Paragraph::new().style(HEADER);
    if let Some(title) = &document.meta.title {
        for run in b.runs(title, Role::Heading, lang) {
            p = p.add_run(run);
        }
        return Header::new().add_paragraph(p);
    }
    let top_level = document
        .blocks()
        .filter_map(|block| match &block.kind {
            BlockKind::Heading { level, .. } => Some((*level).clamp(1, 3)),
            _ => None,
        })
        .min();
    let Some(level) = top_level else {
        return Header::new();
    };
    p = p.add_run(
        Run::new()
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(InstrText::Unsupported(format!(
                "STYLEREF \"heading {level}\" \\* MERGEFORMAT"
            )))
            .add_field_char(FieldCharType::Separate, false)
            .add_field_char(FieldCharType::End, false),
    );
    Header::new().add_paragraph(p)
}

/// A heading to list in the table of contents.
struct TocEntry {
    level: u8,
    text: String,
    lang: String,
    bookmark: String,
    page: Option<usize>,
}

/// Writes one edition (already selected) as DOCX. `toc_pages` are the
/// pages of the document's headings in offprint's own typesetting, in
/// order, for the table of contents.
pub fn write_docx(
    document: &Document,
    edition: &Edition,
    book: &mut FontBook,
    options: &WriteOptions,
    toc_pages: &[usize],
) -> Result<RenderedDocx, String> {
    let faces = StyleFaces {
        body: (
            book.primary(Role::Body, Class::Latin),
            book.primary(Role::Body, Class::Cjk),
        ),
        heading: (
            book.primary(Role::Heading, Class::Latin),
            book.primary(Role::Heading, Class::Cjk),
        ),
    };
    let edition_lang = edition.lang(document);
    let first_lang = document
        .sections
        .first()
        .map_or_else(|| edition_lang.clone(), |s| s.lang.clone());
    let mut b = Builder {
        book,
        faces,
        locales: &options.locales,
        used: BTreeMap::new(),
        uncovered: BTreeSet::new(),
        langs: Vec::new(),
        docx: Docx::new(),
        notes: &document.notes,
        footnotes: BTreeMap::new(),
        in_note: false,
        numbering: content::ListNumbering::default(),
        heading_levels: BTreeSet::new(),
        heading_count: 0,
        has_toc: false,
        page_break_pending: false,
    };

    // The title block.
    if let Some(title) = &document.meta.title {
        // In the language detected in it (a Latin title over Chinese text is
        // not set in the CJK face), as the EPUB's title is.
        let title_lang = crate::clean::sections::LanguageDetector::default()
            .detect(title)
            .unwrap_or_else(|| first_lang.to_string());
        let runs = b.runs(title, Role::Heading, &title_lang);
        let p = runs
            .into_iter()
            .fold(Paragraph::new().style(TITLE), Paragraph::add_run);
        b.push(p, &title_lang);
        if let Some(byline) = document.meta.byline() {
            let runs = b.runs(&byline, Role::Body, &title_lang);
            let p = runs
                .into_iter()
                .fold(Paragraph::new().style(SUBTITLE), Paragraph::add_run);
            b.push(p, &title_lang);
        }
    }

    // Headings, bookmarked for the table of contents.
    let mut toc: Vec<TocEntry> = Vec::new();
    if options.toc {
        for section in &document.sections {
            for block in &section.blocks {
                if let BlockKind::Heading { level, content } = &block.kind {
                    let n = toc.len();
                    toc.push(TocEntry {
                        level: (*level).clamp(1, 3),
                        text: plain_text(content).into_owned(),
                        lang: section.lang_of(block).to_string(),
                        bookmark: format!("_Toc{:08}", n + 1),
                        page: toc_pages.get(n).map(|p| p + 1),
                    });
                }
            }
        }
    }
    let has_toc = !toc.is_empty();
    if has_toc {
        let label = crate::lang::contents_word(&edition_lang);
        let runs = b.runs(label, Role::Heading, &edition_lang);
        let p = runs
            .into_iter()
            .fold(Paragraph::new().style(TOC_HEADING), Paragraph::add_run);
        b.push(p, &edition_lang);
        let instr = InstrToC::new().heading_styles_range(1, 3).hyperlink();
        let last = toc.len() - 1;
        for (k, entry) in toc.iter().enumerate() {
            let mut p = Paragraph::new().style(&toc_style(entry.level));
            if k == 0 {
                p = p.add_run(
                    Run::new()
                        .add_field_char(FieldCharType::Begin, false)
                        .add_instr_text(InstrText::TOC(instr.clone()))
                        .add_field_char(FieldCharType::Separate, false),
                );
            }
            let page = entry.page.map_or_else(String::new, |p| p.to_string());
            let mut link = Hyperlink::new(&entry.bookmark, HyperlinkType::Anchor);
            for run in b.runs(&entry.text, Role::Body, &entry.lang) {
                link = link.add_run(run);
            }
            link = link.add_run(Run::new().add_tab()).add_run(
                Run::new()
                    .add_field_char(FieldCharType::Begin, false)
                    .add_instr_text(InstrText::PAGEREF(
                        InstrPAGEREF::new(&entry.bookmark).hyperlink(),
                    ))
                    .add_field_char(FieldCharType::Separate, false)
                    .add_text(page)
                    .add_field_char(FieldCharType::End, false),
            );
            p = p.add_hyperlink(link);
            if k == last {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            b.push(p, &entry.lang);
        }
        b.also(b.faces.body.0, "0123456789.");
    }

    // The sections.
    b.has_toc = has_toc;
    b.page_break_pending = has_toc;
    for section in &document.sections {
        b.body_blocks(&section.blocks, &section.lang);
    }

    // Automatic hyphenation may add hyphens; a space is everywhere.
    b.also(b.faces.body.0, " -\u{2010}");
    b.also(b.faces.heading.0, " 0123456789");
    b.also(b.faces.body.1, " ");
    b.also(b.faces.heading.1, " ");

    let styles = b.styles(has_toc, options.paper);
    let (width, height) = options.paper.size();
    let margins = crate::layout::Design::new(options.paper);
    let header = running_header(&mut b, document, &first_lang);
    let footer =
        Footer::new().add_paragraph(Paragraph::new().style(FOOTER).add_page_num(PageNum::new()));
    let mut docx = std::mem::take(&mut b.docx)
        .page_size(twips(width) as u32, twips(height) as u32)
        .page_margin(
            PageMargin::new()
                .top(twips(margins.margin_top))
                .bottom(twips(margins.margin_bottom))
                .left(twips(margins.margin_side))
                .right(twips(margins.margin_side))
                .header(twips(36.0))
                .footer(twips(36.0))
                .gutter(0),
        )
        .header(header)
        // As in the PDF, the first page has no running head.
        .first_header(Header::new())
        .footer(footer.clone())
        .first_footer(footer)
        .default_tab_stop(420);
    for style in styles {
        docx = docx.add_style(style);
    }
    docx = b.numbering.add_to(docx);
    docx = docx
        .default_fonts(b.style_fonts(Role::Body))
        .default_size(21);

    let mut packed = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut packed)
        .map_err(|e| format!("cannot write the DOCX: {e}"))?;

    // Fonts: each face's characters, cut and made installable.
    let mut not_embedded = Vec::new();
    let mut fonts: BTreeMap<String, EmbeddedFont> = BTreeMap::new();
    for (&face_id, chars) in &b.used {
        let face = b.book.face(face_id);
        match installable(face, chars) {
            Ok(sub) => {
                let parsed = ttf_parser::Face::parse(face.data, face.index).ok();
                let os2 = parsed.as_ref().and_then(|p| {
                    p.raw_face()
                        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
                        .map(<[u8]>::to_vec)
                });
                let cjk = Some(face_id) == b.faces.body.1 || Some(face_id) == b.faces.heading.1;
                let entry = fonts
                    .entry(face.family.clone())
                    .or_insert_with(|| EmbeddedFont {
                        name: face.family.clone(),
                        os2: os2.clone(),
                        serif: !face.family.contains("Sans"),
                        east_asian: cjk,
                        faces: Vec::new(),
                    });
                let kind = EmbeddedFace::of(face.bold, face.italic);
                if entry.faces.iter().all(|(k, _)| *k != kind) {
                    entry.faces.push((kind, sub.bytes));
                }
            }
            Err(NotEmbeddable::Broken(why)) => return Err(why),
            Err(why) => not_embedded.push(format!("{} is not embedded: {why}", face.describe())),
        }
    }

    let title = document
        .meta
        .title
        .clone()
        .or_else(|| crate::layout::running_title(document));
    let parts = PackageParts {
        core: CoreProperties {
            title,
            creators: document.meta.authors.clone(),
            language: options.locales.of(&edition_lang),
            created: options.created,
            publisher: document.meta.publisher.clone(),
        },
        default_lang: Lang {
            val: options.locales.of(&edition_lang),
            east_asia: Some(options.locales.of("zh")),
        },
        paragraph_langs: b.langs,
        fonts: fonts.into_values().collect(),
        update_fields: has_toc,
        unhyphenated_styles: unhyphenated_styles(),
    };
    let bytes = package::finish(packed.into_inner(), &parts)?;
    Ok(RenderedDocx {
        bytes,
        uncovered: b.uncovered,
        not_embedded,
    })
}

impl Builder<'_> {
    /// The styles of quotations, code, breaks, tables, notes, links and the
    /// paragraphs that go on inside list items.
    fn content_styles(
        &self,
        design: &crate::layout::Design,
        spacing: &dyn Fn(f32, f32, f32) -> LineSpacing,
        half_points: fn(f32) -> usize,
    ) -> Vec<Style> {
        let indent = twips(design.hanging_indent);
        // The monospaced family, when code used it (a style may name only
        // embedded fonts).
        let mono = self
            .used
            .keys()
            .map(|&f| self.book.face(f))
            .find(|f| f.shaper().is_monospaced())
            .map(|f| content::one_family(&f.family));
        let mut code = Style::new(content::SOURCE_CODE, StyleType::Paragraph)
            .name("Source Code")
            .based_on(NORMAL)
            .size(half_points(design.body_size * 0.9))
            .line_spacing(spacing(
                design.paragraph_space,
                0.0,
                design.body_leading * 0.9,
            ))
            .align(AlignmentType::Left);
        if let Some(mono) = mono {
            code = code.fonts(mono);
        }
        // Each names the body's fonts itself: LibreOffice maps Word's built-in
        // names (footnote text, Quote) to styles of its own, whose fonts it keeps.
        let body = self.style_fonts(Role::Body);
        let mut styles = vec![
            Style::new(content::QUOTE, StyleType::Paragraph)
                .name("Quote")
                .based_on(NORMAL)
                .fonts(body.clone())
                .indent(Some(indent * 2), None, Some(indent), None),
            code,
            Style::new(content::SEPARATOR, StyleType::Paragraph)
                .name("Separator")
                .based_on(NORMAL)
                .fonts(body.clone())
                .align(AlignmentType::Center),
            Style::new(content::TABLE_TEXT, StyleType::Paragraph)
                .name("Table Text")
                .based_on(NORMAL)
                .fonts(body.clone())
                .line_spacing(spacing(1.0, 1.0, design.body_leading))
                .align(AlignmentType::Left),
            Style::new(content::FOOTNOTE_TEXT, StyleType::Paragraph)
                .name("footnote text")
                .based_on(NORMAL)
                .fonts(body.clone())
                .size(half_points(design.body_size * 0.8))
                .line_spacing(spacing(0.0, 0.0, design.body_leading * 0.8)),
            {
                let mut style = Style::new(content::FOOTNOTE_REFERENCE, StyleType::Character)
                    .name("footnote reference")
                    .fonts(body.clone());
                style.run_property = style
                    .run_property
                    .vert_align(docx_rs::VertAlignType::SuperScript);
                style
            },
            Style::new(content::HYPERLINK, StyleType::Character)
                .name("Hyperlink")
                .color("0563C1")
                .underline("single"),
        ];
        for depth in 1..=(self.numbering.deepest() + 1).min(content::MAX_DEPTH) {
            styles.push(
                Style::new(content::list_continue_style(depth), StyleType::Paragraph)
                    .name(if depth == 1 {
                        "List Continue".to_string()
                    } else {
                        format!("List Continue {depth}")
                    })
                    .based_on(NORMAL)
                    .fonts(body.clone())
                    .indent(Some(indent * depth as i32), None, None, None),
            );
        }
        styles
    }

    /// The styles, defined once: sizes, spacing and fonts live here.
    fn styles(&self, toc: bool, paper: Paper) -> Vec<Style> {
        let (numbered, bulleted) = (self.numbering.has(true), self.numbering.has(false));
        let design = crate::layout::Design::new(paper);
        let body = self.style_fonts(Role::Body);
        let heading = self.style_fonts(Role::Heading);
        let half_points = |pt: f32| (pt * 2.0).round() as usize;
        let spacing = |before: f32, after: f32, line: f32| {
            LineSpacing::new()
                .before(twips(before) as u32)
                .after(twips(after) as u32)
                .line(twips(line))
                .line_rule(LineSpacingType::AtLeast)
        };
        let keep = |mut style: Style| {
            style.paragraph_property = style.paragraph_property.keep_next(true).keep_lines(true);
            style
        };
        let mut styles = Vec::new();
        let mut normal = Style::new(NORMAL, StyleType::Paragraph)
            .name("Normal")
            .fonts(body.clone())
            .size(half_points(design.body_size))
            .line_spacing(spacing(design.paragraph_space, 0.0, design.body_leading))
            .align(AlignmentType::Both);
        normal.paragraph_property = normal.paragraph_property.widow_control(true);
        styles.push(normal);
        styles.push(keep(
            Style::new(TITLE, StyleType::Paragraph)
                .name("Title")
                .based_on(NORMAL)
                .next(SUBTITLE)
                .fonts(heading.clone())
                .bold()
                .size(half_points(20.0))
                .line_spacing(spacing(0.0, 4.0, 25.0))
                .align(AlignmentType::Left),
        ));
        styles.push(
            Style::new(SUBTITLE, StyleType::Paragraph)
                .name("Subtitle")
                .based_on(NORMAL)
                .next(NORMAL)
                .fonts(body.clone())
                .line_spacing(spacing(4.0, 12.0, design.body_leading))
                .align(AlignmentType::Left),
        );
        let mut levels = self.heading_levels.clone();
        if toc {
            levels.insert(1);
        }
        for &level in &levels {
            let (size, leading, before, after) = design.heading(level);
            styles.push(keep(
                Style::new(heading_style(level), StyleType::Paragraph)
                    .name(format!("heading {level}"))
                    .based_on(NORMAL)
                    .next(NORMAL)
                    .fonts(heading.clone())
                    .bold()
                    .size(half_points(size))
                    .line_spacing(spacing(before, after, leading))
                    .align(AlignmentType::Left)
                    .outline_lvl(usize::from(level) - 1),
            ));
        }
        if numbered {
            styles.push(
                Style::new(LIST_NUMBER, StyleType::Paragraph)
                    .name("List Number")
                    .based_on(NORMAL)
                    .line_spacing(spacing(design.item_space, 0.0, design.body_leading)),
            );
        }
        if bulleted {
            styles.push(
                Style::new(LIST_BULLET, StyleType::Paragraph)
                    .name("List Bullet")
                    .based_on(NORMAL)
                    .line_spacing(spacing(design.item_space, 0.0, design.body_leading)),
            );
        }
        styles.extend(self.content_styles(&design, &spacing, half_points));
        // The running header and the footer look alike, as in the PDF.
        for (id, name) in [(HEADER, "header"), (FOOTER, "footer")] {
            styles.push(
                Style::new(id, StyleType::Paragraph)
                    .name(name)
                    .based_on(NORMAL)
                    .fonts(heading.clone())
                    .bold()
                    .size(half_points(design.furniture_size))
                    .line_spacing(spacing(0.0, 0.0, 10.0))
                    .align(AlignmentType::Center),
            );
        }
        if toc {
            let (size, leading, before, after) = design.heading(1);
            styles.push(keep(
                Style::new(TOC_HEADING, StyleType::Paragraph)
                    .name("TOC Heading")
                    .based_on(heading_style(1))
                    .next(NORMAL)
                    .fonts(heading.clone())
                    .bold()
                    .size(half_points(size))
                    .line_spacing(spacing(before, after, leading))
                    .outline_lvl(9),
            ));
            let (width, _) = paper.size();
            let measure = twips(width - 2.0 * design.margin_side);
            for level in 1..=3u8 {
                let indent = twips(design.hanging_indent) * i32::from(level - 1);
                let mut style = Style::new(toc_style(level), StyleType::Paragraph)
                    .name(format!("toc {level}"))
                    .based_on(NORMAL)
                    .next(NORMAL)
                    .line_spacing(spacing(
                        if level == 1 { 4.0 } else { 0.0 },
                        0.0,
                        design.body_leading,
                    ))
                    .align(AlignmentType::Left)
                    .indent(Some(indent), None, Some(0), None);
                style.paragraph_property = style.paragraph_property.add_tab(
                    Tab::new()
                        .val(TabValueType::Right)
                        .leader(TabLeaderType::Dot)
                        .pos(measure as usize),
                );
                styles.push(style);
            }
        }
        styles
    }
}
