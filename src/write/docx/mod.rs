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

pub mod package;

use crate::edition::Edition;
use crate::fonts::script::{class_of, is_east_asian_lang, Class};
use crate::fonts::subset::{installable, NotEmbeddable};
use crate::fonts::{FaceId, FontBook, Role};
use crate::layout::Paper;
use crate::model::{BlockKind, Document};
use crate::write::WriteOptions;
use docx_rs::{
    AbstractNumbering, AlignmentType, Docx, FieldCharType, Footer, Header, Hyperlink,
    HyperlinkType, IndentLevel, InstrPAGEREF, InstrText, InstrToC, Level, LevelJc, LevelOverride,
    LevelText, LineSpacing, LineSpacingType, NumberFormat, Numbering, NumberingId, PageMargin,
    PageNum, Paragraph, Run, RunFonts, SpecialIndentType, Start, Style, StyleType, Tab,
    TabLeaderType, TabValueType,
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
        let map = [
            ("en", "en-GB"),
            ("fr", "fr-FR"),
            ("es", "es-ES"),
            ("zh", "zh-CN"),
            ("de", "de-DE"),
            ("it", "it-IT"),
            ("pt", "pt-PT"),
            ("ja", "ja-JP"),
            ("ko", "ko-KR"),
        ]
        .into_iter()
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

/// The heading "Contents" in the edition's language.
fn contents_label(lang: &str) -> &'static str {
    match lang.split('-').next().unwrap_or(lang) {
        "fr" => "Table des matières",
        "es" => "Índice",
        "zh" => "目录",
        "de" => "Inhalt",
        _ => "Contents",
    }
}

/// How a list marker is numbered: Word's number format and level text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ListFormat {
    /// `decimal`, `lowerLetter` or `bullet`.
    format: &'static str,
    /// `%1.`, `%1)`, or the bullet itself.
    text: String,
}

/// Reads a model marker (`3.`, `b)`, `•`) into its format and ordinal.
fn list_format(marker: &str) -> (ListFormat, Option<u32>) {
    let parsed = crate::clean::lists::parse_marker(&format!("{marker} x"));
    match parsed {
        Some(m) if m.text == marker && m.ordinal.is_some() => {
            let numeric = marker.starts_with(|c: char| c.is_ascii_digit());
            let close = if marker.ends_with(')') { ")" } else { "." };
            (
                ListFormat {
                    format: if numeric { "decimal" } else { "lowerLetter" },
                    text: format!("%1{close}"),
                },
                m.ordinal,
            )
        }
        // A bullet, or a marker that is no number: shown as written.
        _ => (
            ListFormat {
                format: "bullet",
                text: marker.to_string(),
            },
            None,
        ),
    }
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

    /// The runs of `text` set in `role` in language `lang`: one run, or
    /// more where a character falls back to a face the style does not
    /// name (that run names it). Records the characters of each face.
    fn runs(&mut self, text: &str, role: Role, lang: &str) -> Vec<Run> {
        let east_asian = is_east_asian_lang(lang);
        let (latin, cjk) = self.faces.of(role);
        let mut segments: Vec<(Option<FaceId>, String)> = Vec::new();
        for c in text.chars().filter(|&c| crate::xml::allowed(c)) {
            let class = class_of(c, east_asian);
            let primary = match class {
                Class::Latin => latin,
                Class::Cjk => cjk,
            };
            let explicit = match self.book.face_for(role, class, c) {
                Ok(face) => {
                    self.used.entry(face).or_default().insert(c);
                    (Some(face) != primary).then_some(face)
                }
                Err(u) => {
                    if !c.is_whitespace() && !c.is_control() {
                        self.uncovered.insert(u.ch);
                    }
                    None
                }
            };
            // A reader may set neutral characters of Chinese text (digits,
            // punctuation, spaces) in the CJK face: it has them too.
            if east_asian {
                if let Some(face) = cjk.filter(|&f| self.book.face(f).covers(c)) {
                    self.used.entry(face).or_default().insert(c);
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
                let mut fonts = None;
                if let Some(face) = face {
                    let name = self.book.face(face).family.clone();
                    fonts = Some(
                        RunFonts::new()
                            .ascii(&name)
                            .hi_ansi(&name)
                            .east_asia(&name)
                            .cs(&name),
                    );
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
    };

    // The title block.
    if let Some(title) = &document.meta.title {
        let runs = b.runs(title, Role::Heading, &first_lang);
        let p = runs
            .into_iter()
            .fold(Paragraph::new().style(TITLE), Paragraph::add_run);
        b.push(p, &first_lang);
        if let Some(byline) = document.meta.byline() {
            let runs = b.runs(&byline, Role::Body, &first_lang);
            let p = runs
                .into_iter()
                .fold(Paragraph::new().style(SUBTITLE), Paragraph::add_run);
            b.push(p, &first_lang);
        }
    }

    // Headings, bookmarked for the table of contents.
    let mut toc: Vec<TocEntry> = Vec::new();
    if options.toc {
        for section in &document.sections {
            for block in &section.blocks {
                if let BlockKind::Heading { level, text } = &block.kind {
                    let n = toc.len();
                    toc.push(TocEntry {
                        level: (*level).clamp(1, 3),
                        text: text.clone(),
                        lang: block_lang(&block.lang, &section.lang),
                        bookmark: format!("_Toc{:08}", n + 1),
                        page: toc_pages.get(n).map(|p| p + 1),
                    });
                }
            }
        }
    }
    let has_toc = !toc.is_empty();
    if has_toc {
        let label = contents_label(&edition_lang);
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
    let mut numbering = ListNumbering::default();
    let mut heading_levels = BTreeSet::new();
    let mut heading_count = 0usize;
    let mut first_block = true;
    for section in &document.sections {
        let mut previous_item: Option<(ListFormat, Option<u32>)> = None;
        for block in &section.blocks {
            let lang = block_lang(&block.lang, &section.lang);
            let mut p = match &block.kind {
                BlockKind::Heading { level, text } => {
                    let level = (*level).clamp(1, 3);
                    heading_levels.insert(level);
                    let runs = b.runs(text, Role::Heading, &lang);
                    let mut p = Paragraph::new().style(&heading_style(level));
                    if has_toc {
                        heading_count += 1;
                        let name = format!("_Toc{heading_count:08}");
                        p = p.add_bookmark_start(heading_count, name);
                        p = runs.into_iter().fold(p, Paragraph::add_run);
                        p.add_bookmark_end(heading_count)
                    } else {
                        runs.into_iter().fold(p, Paragraph::add_run)
                    }
                }
                BlockKind::Paragraph { text } => {
                    let runs = b.runs(text, Role::Body, &lang);
                    runs.into_iter()
                        .fold(Paragraph::new().style(NORMAL), Paragraph::add_run)
                }
                BlockKind::ListItem { marker, text } => {
                    let (format, ordinal) = list_format(marker);
                    let continues = match (&previous_item, ordinal) {
                        (Some((f, Some(prev))), Some(n)) => *f == format && n == prev + 1,
                        (Some((f, None)), None) => *f == format,
                        _ => false,
                    };
                    let num = numbering.item(&format, ordinal, continues);
                    let marker_face = if format.format == "bullet" {
                        // The bullet is drawn from the paragraph's fonts.
                        let class = class_of(
                            marker.chars().next().unwrap_or('•'),
                            is_east_asian_lang(&lang),
                        );
                        b.book
                            .face_for(Role::Body, class, marker.chars().next().unwrap_or('•'))
                            .ok()
                    } else {
                        b.faces.body.0
                    };
                    b.also(
                        marker_face,
                        &format!("{marker}0123456789abcdefghijklmnopqrstuvwxyz.)"),
                    );
                    previous_item = Some((format.clone(), ordinal));
                    let style = if format.format == "bullet" {
                        LIST_BULLET
                    } else {
                        LIST_NUMBER
                    };
                    let runs = b.runs(text, Role::Body, &lang);
                    runs.into_iter().fold(
                        Paragraph::new()
                            .style(style)
                            .numbering(NumberingId::new(num), IndentLevel::new(0)),
                        Paragraph::add_run,
                    )
                }
            };
            if !matches!(block.kind, BlockKind::ListItem { .. }) {
                previous_item = None;
            }
            if first_block && has_toc {
                // The text starts on the page after the contents.
                p = p.page_break_before(true);
            }
            first_block = false;
            b.push(p, &lang);
        }
    }

    // Automatic hyphenation may add hyphens; a space is everywhere.
    b.also(b.faces.body.0, " -\u{2010}");
    b.also(b.faces.heading.0, " 0123456789");
    b.also(b.faces.body.1, " ");
    b.also(b.faces.heading.1, " ");

    let styles = b.styles(
        &heading_levels,
        numbering.has(true),
        numbering.has(false),
        has_toc,
        options.paper,
    );
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
    docx = numbering.add_to(docx);
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

fn block_lang(block: &str, section: &str) -> String {
    if block.is_empty() || block == "und" {
        section.to_string()
    } else {
        block.to_string()
    }
}

/// The numbering of the lists: one abstract numbering per format, one
/// numbering instance per list (starting at its first marker's value).
/// docx-rs always writes an abstract numbering 1 and an instance 1 of its
/// own, so ours are numbered from 2.
#[derive(Default)]
struct ListNumbering {
    formats: Vec<ListFormat>,
    /// (index of the format, start) of each instance.
    instances: Vec<(usize, u32)>,
}

/// The first id of our abstract numberings and numbering instances.
const FIRST_NUMBERING_ID: usize = 2;

impl ListNumbering {
    /// The numbering instance of an item: the current list's if it
    /// `continues`, else a new one.
    fn item(&mut self, format: &ListFormat, ordinal: Option<u32>, continues: bool) -> usize {
        let abstract_id = match self.formats.iter().position(|f| f == format) {
            Some(k) => k,
            None => {
                self.formats.push(format.clone());
                self.formats.len() - 1
            }
        };
        if !(continues
            && self
                .instances
                .last()
                .is_some_and(|&(a, _)| a == abstract_id))
        {
            self.instances.push((abstract_id, ordinal.unwrap_or(1)));
        }
        self.instances.len() - 1 + FIRST_NUMBERING_ID
    }

    /// Whether any list is numbered (`true`) or bulleted (`false`).
    fn has(&self, numbered: bool) -> bool {
        self.formats
            .iter()
            .any(|f| (f.format != "bullet") == numbered)
    }

    fn add_to(&self, mut docx: Docx) -> Docx {
        let hanging = twips(crate::layout::Design::new(Paper::A4).hanging_indent);
        for (k, format) in self.formats.iter().enumerate() {
            let style = if format.format == "bullet" {
                LIST_BULLET
            } else {
                LIST_NUMBER
            };
            let level = Level::new(
                0,
                Start::new(1),
                NumberFormat::new(format.format),
                LevelText::new(crate::xml::without_forbidden(&format.text)),
                LevelJc::new("left"),
            )
            .indent(
                Some(hanging),
                Some(SpecialIndentType::Hanging(hanging)),
                None,
                None,
            )
            .paragraph_style(style);
            docx = docx.add_abstract_numbering(
                AbstractNumbering::new(k + FIRST_NUMBERING_ID).add_level(level),
            );
        }
        for (k, &(abstract_id, start)) in self.instances.iter().enumerate() {
            let mut num = Numbering::new(k + FIRST_NUMBERING_ID, abstract_id + FIRST_NUMBERING_ID);
            if format_is_numbered(&self.formats[abstract_id]) {
                num = num.add_override(LevelOverride::new(0).start(start as usize));
            }
            docx = docx.add_numbering(num);
        }
        docx
    }
}

fn format_is_numbered(format: &ListFormat) -> bool {
    format.format != "bullet"
}

impl Builder<'_> {
    /// The styles, defined once: sizes, spacing and fonts live here.
    fn styles(
        &self,
        heading_levels: &BTreeSet<u8>,
        numbered: bool,
        bulleted: bool,
        toc: bool,
        paper: Paper,
    ) -> Vec<Style> {
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
        let mut levels = heading_levels.clone();
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
