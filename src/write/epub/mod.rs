//! The EPUB writer: an edition of the model as an EPUB 3 package (with the
//! EPUB 2 NCX for old readers), built with `epub-builder` and finished here.
//!
//! - One XHTML document per section, `lang` and `xml:lang` on its root; a
//!   block in another language carries its own, and so does a run of Han or
//!   kana inside Latin text. A document with a title opens with a title page.
//! - The navigation document lists the sections (by the name of their
//!   language, in that language) and their headings; landmarks point at the
//!   title page and the start of the text.
//! - Fonts: each face the edition uses is embedded, subset to the characters
//!   it sets (the one subsetting path, [`crate::fonts::subset::installable`]),
//!   and named by the stylesheet per role and script: serif body, sans
//!   headings, the CJK face first under `:lang(zh)`.
//! - Metadata: title, creators, every language present (the edition's
//!   first), the publication date, `dcterms:modified` from
//!   `SOURCE_DATE_EPOCH`, an identifier derived from the content, and
//!   schema.org accessibility metadata.
//!
//! `epub-builder` writes duplicate ids in `content.opf` when a book has both
//! an author and a language, an empty landmarks list, no `dtb:uid` in the
//! NCX, re-escaped guide titles, and the wall clock into the zip. `finish`
//! repairs all of it in one step and re-zips the package deterministically:
//! `mimetype` first and stored, fixed timestamps, entries in name order. The
//! same edition gives the same bytes.

mod body;

use crate::edition::Edition;
use crate::fonts::script::{class_of, is_cjk_letter, is_east_asian_lang, Class};
use crate::fonts::subset::installable;
use crate::fonts::{FaceId, FontBook, Marks, Role};
use crate::model::{plain_text, BlockKind, Document};
use crate::xml::escape;
use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

/// One written EPUB edition and the characters no font covered.
pub struct RenderedEpub {
    pub bytes: Vec<u8>,
    pub uncovered: BTreeSet<char>,
}

/// The accessibility summary written into every edition.
pub const ACCESSIBILITY_SUMMARY: &str = "This publication is text only, with no images, \
audio or video. Sections and headings are marked up and listed in a table of contents, \
the reading order is the order of the text, and the language of every section and \
passage is declared. Fonts are embedded; reading systems may replace them and resize \
the text.";

fn lang_attrs(lang: &str) -> String {
    let lang = escape(lang);
    format!(" lang=\"{lang}\" xml:lang=\"{lang}\"")
}

/// The faces the edition's text is set in, and which characters each sets.
struct Usage<'a> {
    book: &'a mut FontBook,
    /// Characters set by each face.
    faces: BTreeMap<FaceId, BTreeSet<char>>,
    /// Faces each role uses.
    roles: BTreeMap<Role, BTreeSet<FaceId>>,
    uncovered: BTreeSet<char>,
    /// Languages of inline runs, in order of appearance.
    run_langs: Vec<String>,
}

impl Usage<'_> {
    /// Notes that `text` is set in `role`, marked up by `marks`, in language `lang`.
    fn note(&mut self, text: &str, role: Role, marks: Marks, lang: &str) {
        let east_asian = is_east_asian_lang(lang);
        for c in text
            .chars()
            .filter(|&c| crate::xml::allowed(c) && !c.is_control())
        {
            match self
                .book
                .face_marked(role, class_of(c, east_asian), marks, c)
            {
                Ok(face) => {
                    self.faces.entry(face).or_default().insert(c);
                    // A marked face is reached through its family's name (see
                    // `family`), not through the role's stack.
                    if marks == Marks::NONE
                        || self.book.face_for(role, class_of(c, east_asian), c) == Ok(face)
                    {
                        self.roles.entry(role).or_default().insert(face);
                    }
                }
                Err(u) => {
                    self.uncovered.insert(u.ch);
                }
            }
        }
    }

    /// `text` as XHTML in `role`, inside an element of language `lang`: a
    /// run of Han or kana in Latin text is a `<span>` in `cjk_lang` (or
    /// Japanese when it has kana).
    fn inline(
        &mut self,
        text: &str,
        role: Role,
        marks: Marks,
        lang: &str,
        cjk_lang: &str,
    ) -> String {
        if is_east_asian_lang(lang) || !text.chars().any(is_cjk_letter) {
            self.note(text, role, marks, lang);
            return escape(text);
        }
        let mut out = String::new();
        let chars: Vec<char> = text.chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let in_run = |c: char| is_cjk_letter(c) || class_of(c, false) == Class::Cjk;
            let start = k;
            if is_cjk_letter(chars[k]) {
                while k < chars.len() && in_run(chars[k]) {
                    k += 1;
                }
                let run: String = chars[start..k].iter().collect();
                let kana = run.chars().any(|c| {
                    matches!(
                        unicode_script::UnicodeScript::script(&c),
                        unicode_script::Script::Hiragana | unicode_script::Script::Katakana
                    )
                });
                let run_lang = if kana { "ja" } else { cjk_lang };
                if !self.run_langs.iter().any(|l| l == run_lang) {
                    self.run_langs.push(run_lang.to_string());
                }
                self.note(&run, role, marks, run_lang);
                out.push_str(&format!(
                    "<span{}>{}</span>",
                    lang_attrs(run_lang),
                    escape(&run)
                ));
            } else {
                while k < chars.len() && !is_cjk_letter(chars[k]) {
                    k += 1;
                }
                let run: String = chars[start..k].iter().collect();
                self.note(&run, role, marks, lang);
                out.push_str(&escape(&run));
            }
        }
        out
    }
}

/// One content document of the package.
struct Page {
    file: String,
    /// XHTML of the table of contents entry, and its plain text (escaped).
    toc_html: String,
    toc_text: String,
    /// Entries for the headings: file#id, level, XHTML, plain text.
    headings: Vec<(String, u8, String, String)>,
    reftype: Option<ReferenceType>,
    xhtml: String,
}

/// An XHTML content document.
fn xhtml_document(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"{}>\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n\
<body>\n{}</body>\n</html>\n",
        lang_attrs(lang),
        escape(title),
        body
    )
}

/// The language of a block (its own, else its section's).
/// Every language present, the edition's own first.
pub fn languages(document: &Document, edition_lang: &str) -> Vec<String> {
    let mut langs = vec![edition_lang.to_string()];
    let mut add = |lang: &str| {
        if !lang.is_empty() && !langs.iter().any(|l| l == lang) {
            langs.push(lang.to_string());
        }
    };
    for lang in &document.meta.languages {
        if document
            .sections
            .iter()
            .any(|s| &s.lang == lang || s.blocks.iter().any(|b| &b.lang == lang))
        {
            add(lang);
        }
    }
    for section in &document.sections {
        add(&section.lang);
        for block in &section.blocks {
            add(&block.lang);
        }
    }
    if langs.len() > 1 {
        langs.retain(|l| l != "und");
    }
    langs
}

/// The stable identifier of an edition: a UUID (version 8) from the SHA-256
/// of the model of the edition and its name.
pub fn identifier(document: &Document, edition: &Edition) -> uuid::Uuid {
    let mut hasher = Sha256::new();
    hasher.update(b"offprint-epub\0");
    hasher.update(edition.label().as_bytes());
    hasher.update(b"\0");
    hasher.update(serde_json::to_vec(document).expect("the model always serialises"));
    let digest = hasher.finalize();
    let bytes: [u8; 16] = digest[..16].try_into().expect("a SHA-256 has 32 bytes");
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The CJK language of Han runs inside Latin text: the document's Chinese,
/// Japanese or Korean if it has one, else Chinese.
fn cjk_language(langs: &[String]) -> String {
    langs
        .iter()
        .find(|l| is_east_asian_lang(l))
        .cloned()
        .unwrap_or_else(|| "zh".into())
}

/// A book of more chapters than this has a C heap that returns large blocks
/// (see [`crate::memory::return_large_blocks`]): each chapter is deflated with
/// a state of its own.
const LONG_BOOK_CHAPTERS: usize = 500;

/// Writes one edition (already selected) as EPUB. `modified` is the
/// modification date in seconds since the Unix epoch.
pub fn write_epub(
    document: &Document,
    edition: &Edition,
    book: &mut FontBook,
    modified: i64,
) -> Result<RenderedEpub, String> {
    let lang = edition.lang(document);
    let mut langs = languages(document, &lang);
    let cjk_lang = cjk_language(&langs);
    let mut usage = Usage {
        book,
        faces: BTreeMap::new(),
        roles: BTreeMap::new(),
        uncovered: BTreeSet::new(),
        run_langs: Vec::new(),
    };
    let mut pages = Vec::new();

    // The title page.
    let (book_title, title_lang) = book_title(document, &lang);
    if let Some(title) = &document.meta.title {
        let mut body = String::from("<section epub:type=\"titlepage\">\n");
        body.push_str(&format!(
            "<h1 class=\"title\">{}</h1>\n",
            usage.inline(title, Role::Heading, Marks::NONE, &title_lang, &cjk_lang)
        ));
        if let Some(byline) = document.meta.byline() {
            body.push_str(&format!(
                "<p class=\"byline\">{}</p>\n",
                usage.inline(&byline, Role::Body, Marks::NONE, &title_lang, &cjk_lang)
            ));
        }
        body.push_str("</section>\n");
        // The entry names the title in the navigation document's language.
        let entry = if *title_lang == *lang {
            escape(title)
        } else {
            format!("<span{}>{}</span>", lang_attrs(&title_lang), escape(title))
        };
        usage.note(title, Role::Body, Marks::NONE, &title_lang);
        pages.push(Page {
            file: "title.xhtml".into(),
            toc_text: escape(title),
            toc_html: entry,
            headings: Vec::new(),
            reftype: Some(ReferenceType::TitlePage),
            xhtml: xhtml_document(&title_lang, title, &body),
        });
    }

    // One document per section.
    let files: Vec<String> = (1..=document.sections.len())
        .map(|n| format!("section-{n:02}.xhtml"))
        .collect();
    let plan = body::NotePlan::new(document, &files);
    for (n, (section, file)) in document.sections.iter().zip(files).enumerate() {
        let mut body = body::Body::new(&mut usage, &plan, &file, &lang, &cjk_lang);
        body.blocks(&section.blocks, &section.lang);
        body.notes(document, &section.lang);
        let (body, headings) = (body.html, body.headings);
        let name = crate::lang::autonym(&section.lang);
        usage.note(&name, Role::Body, Marks::NONE, &section.lang);
        let toc_html = if section.lang != lang {
            format!(
                "<span{}>{}</span>",
                lang_attrs(&section.lang),
                escape(&name)
            )
        } else {
            escape(&name)
        };
        // The document's title: its first heading, else the section's name.
        let title = section
            .blocks
            .iter()
            .find_map(|b| match &b.kind {
                BlockKind::Heading { content, .. } => Some(plain_text(content).into_owned()),
                _ => None,
            })
            .unwrap_or_else(|| name.clone());
        pages.push(Page {
            file,
            toc_text: escape(&name),
            toc_html,
            headings,
            reftype: (n == 0).then_some(ReferenceType::Text),
            xhtml: xhtml_document(&section.lang, &title, &body),
        });
    }
    if pages.is_empty() {
        // An empty document still makes a valid book: one empty section.
        let name = crate::lang::autonym(&lang);
        usage.note(&name, Role::Body, Marks::NONE, &lang);
        pages.push(Page {
            file: "section-01.xhtml".into(),
            toc_text: escape(&name),
            toc_html: escape(&name),
            headings: Vec::new(),
            reftype: Some(ReferenceType::Text),
            xhtml: xhtml_document(&lang, &name, "<p></p>\n"),
        });
    }
    // Languages of runs inside blocks are present too.
    for run_lang in std::mem::take(&mut usage.run_langs) {
        if !langs.contains(&run_lang) {
            langs.push(run_lang);
        }
    }
    let toc_name = crate::lang::contents_word(&lang);
    usage.note(toc_name, Role::Heading, Marks::NONE, &lang);
    // Hyphens a reading system may add when it hyphenates.
    let hyphenated: Vec<&String> = langs.iter().filter(|l| !is_east_asian_lang(l)).collect();
    if !hyphenated.is_empty() {
        usage.note("-\u{2010}", Role::Body, Marks::NONE, hyphenated[0]);
    }

    // The fonts: one subset file per face.
    let mut fonts = Vec::new();
    let mut stems = BTreeSet::new();
    for (&face_id, chars) in &usage.faces {
        let face = usage.book.face(face_id);
        let font = installable(face, chars)
            .map_err(|e| format!("cannot embed {}: {e}", face.post_script_name))?;
        let mut stem = font_file_stem(&face.post_script_name, face_id);
        if !stems.insert(stem.clone()) {
            // Two faces of one name (a --font-dir copy of a bundled font).
            stem = format!("{stem}-{face_id}");
            stems.insert(stem.clone());
        }
        // Installable subsets have TrueType outlines.
        let file = format!("fonts/{stem}.ttf");
        fonts.push((face_id, file, font));
    }
    let css = stylesheet(&usage, &fonts, &langs);

    // The package.
    let error = |e: epub_builder::Error| format!("cannot build the EPUB: {e}");
    let zip = ZipLibrary::new().map_err(error)?;
    let mut builder = EpubBuilder::new(zip).map_err(error)?;
    builder.epub_version(EpubVersion::V30);
    builder.escape_html(false);
    builder.set_title(escape(&book_title));
    for author in &document.meta.authors {
        builder.add_author(escape(author));
    }
    builder.set_languages(langs.iter().map(|l| escape(l)).collect());
    if let Some(rights) = &document.meta.rights {
        builder.set_license(escape(rights));
    }
    builder.set_generator(crate::write::pdf::producer());
    builder.set_toc_name(toc_name);
    let uuid = identifier(document, edition);
    builder.set_uuid(uuid);
    if let Some(date) = document.meta.date.as_deref().and_then(date_of) {
        builder.set_publication_date(date);
    }
    builder.set_modified_date(
        chrono::DateTime::from_timestamp(modified, 0)
            .ok_or_else(|| format!("not a date: {modified}"))?,
    );
    for (property, value) in [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", ACCESSIBILITY_SUMMARY),
    ] {
        builder.add_metadata_opf(Box::new(MetadataOpfV3::new(
            property.to_string(),
            escape(value),
        )));
    }
    if pages.len() > LONG_BOOK_CHAPTERS {
        crate::memory::return_large_blocks();
    }
    builder.stylesheet(css.as_bytes()).map_err(error)?;
    // epub-builder lists the fonts in the manifest; their bytes go straight
    // into the final package (see [`finish`]), so they are deflated once.
    for (_, file, _) in &fonts {
        builder
            .add_resource(file, &[][..], "font/ttf")
            .map_err(error)?;
    }
    for page in &pages {
        let mut content = EpubContent::new(page.file.as_str(), page.xhtml.as_bytes())
            .title(page.toc_html.as_str())
            .raw_title(page.toc_text.as_str());
        for (href, level, html, text) in &page.headings {
            content.toc.add(
                TocElement::new(href.as_str(), html.as_str())
                    .raw_title(text.as_str())
                    .level(1 + i32::from(*level)),
            );
        }
        if let Some(reftype) = page.reftype {
            content = content.reftype(reftype);
        }
        builder.add_content(content).map_err(error)?;
    }
    let mut raw = Vec::new();
    builder.generate(&mut raw).map_err(error)?;
    let bytes = finish(
        &raw,
        &Fixes {
            identifier: uuid::fmt::Urn::from_uuid(uuid).to_string(),
            lang: lang.to_string(),
            title: book_title,
            title_lang,
            publisher: document.meta.publisher.clone(),
            fonts: fonts
                .iter()
                .map(|(_, file, font)| (format!("OEBPS/{file}"), font.bytes.as_slice()))
                .collect(),
            modified,
        },
    )?;
    Ok(RenderedEpub {
        bytes,
        uncovered: usage.uncovered,
    })
}

/// The title of the book and its language: the document's title (in the
/// language detected in it, else that of the first section, as the PDF's
/// title block), else its first heading (as the PDF's running header), else
/// the name of the language.
fn book_title(document: &Document, lang: &str) -> (String, String) {
    if let Some(title) = &document.meta.title {
        let title_lang = crate::clean::sections::LanguageDetector::default()
            .detect(title)
            .or_else(|| document.sections.first().map(|s| s.lang.to_string()))
            .unwrap_or_else(|| lang.to_string());
        return (title.clone(), title_lang);
    }
    for section in &document.sections {
        for block in &section.blocks {
            if let BlockKind::Heading { content, .. } = &block.kind {
                let text = plain_text(content).into_owned();
                return (text, section.lang_of(block).to_string());
            }
        }
    }
    (crate::lang::autonym(lang), lang.to_string())
}

/// A safe file name for a face's font file.
fn font_file_stem(post_script_name: &str, face: FaceId) -> String {
    let stem: String = post_script_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if stem.is_empty() {
        format!("face-{face}")
    } else {
        stem
    }
}

/// `YYYY-MM-DD` as a date at midnight UTC.
fn date_of(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let mut parts = text.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
}

/// The family name of a face in the stylesheet: the file stem of the
/// embedded regular face of its family (else the first of the family), so that the italic and bold faces of a family
/// share its name and `<em>` and `<strong>` find them.
fn family(
    book: &FontBook,
    fonts: &[(FaceId, String, crate::fonts::subset::Installable)],
    face: FaceId,
) -> String {
    let wanted = &book.face(face).family;
    let same = |id: &FaceId| book.face(*id).family == *wanted;
    let upright = |id: &FaceId| !book.face(*id).bold && !book.face(*id).italic;
    fonts
        .iter()
        .find(|(id, _, _)| same(id) && upright(id))
        .or_else(|| fonts.iter().find(|(id, _, _)| same(id)))
        .map(|(_, file, _)| {
            let stem = file.trim_start_matches("fonts/");
            stem.rsplit_once('.').map_or(stem, |(s, _)| s).to_string()
        })
        .unwrap_or_default()
}

/// Whether a face is monospaced (its `post` table says so).
fn is_monospaced(book: &FontBook, face: FaceId) -> bool {
    book.face(face).shaper().is_monospaced()
}

/// The stylesheet: the embedded faces, and the reading design.
fn stylesheet(
    usage: &Usage,
    fonts: &[(FaceId, String, crate::fonts::subset::Installable)],
    langs: &[String],
) -> String {
    let mut css =
        String::from("/* offprint: serif text, sans headings, the embedded faces per script. */\n");
    for (face_id, file, _) in fonts {
        let face = usage.book.face(*face_id);
        let format = if file.ends_with(".otf") {
            "opentype"
        } else {
            "truetype"
        };
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{}\";\n  font-style: {};\n  font-weight: {};\n  src: url(\"{}\") format(\"{}\");\n}}\n",
            family(usage.book, fonts, *face_id),
            if face.italic { "italic" } else { "normal" },
            if face.bold { 700 } else { 400 },
            file,
            format
        ));
    }
    // A stack per role: Latin-first or CJK-first, then the role's other
    // faces, then the generic family.
    let stack = |role: Role, cjk_first: bool| -> String {
        let used = usage.roles.get(&role).cloned().unwrap_or_default();
        let primary = |class: Class| usage.book.primary(role, class).filter(|f| used.contains(f));
        let order = if cjk_first {
            [primary(Class::Cjk), primary(Class::Latin)]
        } else {
            [primary(Class::Latin), primary(Class::Cjk)]
        };
        let mut faces: Vec<FaceId> = order.into_iter().flatten().collect();
        for &f in &used {
            if !faces.contains(&f) {
                faces.push(f);
            }
        }
        let mut names: Vec<String> = Vec::new();
        for &f in &faces {
            let name = format!("\"{}\"", family(usage.book, fonts, f));
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.push(
            match role {
                Role::Body => "serif",
                Role::Heading => "sans-serif",
            }
            .into(),
        );
        names.join(", ")
    };
    let headings = ["h1", "h2", "h3", "h4", "h5", "h6"];
    css.push_str(&format!(
        // A readable measure: about 70 characters of the body face a line,
        // centred, however wide the screen.
        "\nbody {{\n  font-family: {};\n  line-height: 1.5;\n  max-width: 36em;\n  margin: 0 auto;\n  padding: 0 1em;\n}}\n",
        stack(Role::Body, false)
    ));
    css.push_str(&format!(
        "{} {{\n  font-family: {};\n  font-weight: bold;\n  line-height: 1.25;\n  text-align: left;\n  hyphens: manual;\n  -webkit-hyphens: manual;\n  page-break-after: avoid;\n  break-after: avoid;\n  margin: 1.4em 0 0.6em;\n}}\n",
        headings.join(", "),
        stack(Role::Heading, false)
    ));
    css.push_str(
        "h1 { font-size: 1.5em; }\nh2 { font-size: 1.25em; }\nh3 { font-size: 1.1em; }\n\
h4, h5, h6 { font-size: 1em; }\n\
h1.title { font-size: 1.8em; margin-top: 2em; }\n\
p.byline { text-align: left; text-indent: 0; margin-bottom: 2em; }\n\
p { margin: 0 0 0.75em; text-align: start; orphans: 2; widows: 2; }\n\
ol, ul { margin: 0 0 0.75em; padding-left: 2em; }\n\
ol { list-style-type: decimal; }\n\
ol[type=\"a\"] { list-style-type: lower-alpha; }\n\
ol[type=\"A\"] { list-style-type: upper-alpha; }\n\
li { margin: 0 0 0.4em; text-align: start; orphans: 2; widows: 2; }\n\
nav ol { list-style-type: none; padding-left: 1em; }\n\
nav#toc li { text-align: left; hyphens: manual; -webkit-hyphens: manual; }\n\
nav a { text-decoration: none; }\n\
ol[type=\"i\"] { list-style-type: lower-roman; }\n\
ol[type=\"I\"] { list-style-type: upper-roman; }\n\
li > p:last-child { margin-bottom: 0.4em; }\n\
blockquote { margin: 0 0 0.75em 1.5em; }\n\
pre { margin: 0 0 0.75em; white-space: pre-wrap; font-size: 0.9em; line-height: 1.35; }\n\
table { border-collapse: collapse; margin: 0 0 0.75em; }\n\
th, td { border: thin solid #888; padding: 0.2em 0.5em; vertical-align: top; text-align: start; }\n\
th.left, td.left { text-align: left; }\n\
th.center, td.center { text-align: center; }\n\
th.right, td.right { text-align: right; }\n\
hr { border: 0; border-top: thin solid #888; margin: 1.5em 25%; }\n\
sup a { text-decoration: none; }\n\
aside.note { font-size: 0.9em; margin: 1.5em 0 0; border-top: thin solid #888; padding-top: 0.3em; }\n\
aside.note p.note-number { margin: 0; font-weight: bold; }\n",
    );
    // Per language: the faces of its script first, and its line rules.
    let (cjk, latin): (Vec<&String>, Vec<&String>) = langs
        .iter()
        .filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .partition(|l| is_east_asian_lang(l));
    for (group, cjk_first) in [(latin, false), (cjk, true)] {
        if group.is_empty() {
            continue;
        }
        let selectors = |prefixes: &[&str]| -> String {
            group
                .iter()
                .flat_map(|lang| {
                    prefixes
                        .iter()
                        .map(move |prefix| format!("{prefix}:lang({lang})"))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let heading_prefixes: Vec<String> = headings
            .iter()
            .flat_map(|h| [h.to_string(), format!("{h} ")])
            .collect();
        let heading_prefixes: Vec<&str> = heading_prefixes.iter().map(String::as_str).collect();
        css.push_str(&format!(
            "\n{} {{\n  font-family: {};\n}}\n{} {{\n  font-family: {};\n}}\n",
            selectors(&[""]),
            stack(Role::Body, cjk_first),
            selectors(&heading_prefixes),
            stack(Role::Heading, cjk_first)
        ));
        if cjk_first {
            css.push_str(&format!(
                "{} {{\n  line-break: strict;\n  -webkit-line-break: strict;\n  -epub-line-break: strict;\n  hyphens: manual;\n  -webkit-hyphens: manual;\n}}\n",
                selectors(&[""])
            ));
            // Chinese is justified: its lines break between any two ideographs,
            // so justification never needs hyphens (Latin text is set ragged:
            // see `text-align: start` above).
            css.push_str(&format!(
                "{} {{\n  text-align: justify;\n}}\n",
                selectors(&["p", "li"])
            ));
        } else {
            css.push_str(&format!(
                "{} {{\n  hyphens: auto;\n  -webkit-hyphens: auto;\n  -epub-hyphens: auto;\n}}\n",
                selectors(&["p", "li"])
            ));
        }
    }
    // Code in the monospaced face, whatever the language's stack says (the
    // `:lang()` rules above are more specific than `code`, hence `:root`).
    if let Some(mono) = usage.faces.keys().find(|&&f| is_monospaced(usage.book, f)) {
        css.push_str(&format!(
            "\n:root code, :root pre {{\n  font-family: \"{}\", monospace;\n}}\n",
            family(usage.book, fonts, *mono)
        ));
    }
    css
}

/// What [`finish`] needs to know.
struct Fixes<'a> {
    /// `urn:uuid:…`, for the NCX.
    identifier: String,
    /// The edition's language, for the navigation document and the NCX.
    lang: String,
    /// The title (for the NCX) and its language (for `dc:title`).
    title: String,
    title_lang: String,
    /// `dc:publisher`, which epub-builder does not write.
    publisher: Option<String>,
    /// The font files (path in the package, bytes), which epub-builder was
    /// given empty.
    fonts: Vec<(String, &'a [u8])>,
    /// Seconds since the Unix epoch: the timestamp of every zip entry.
    modified: i64,
}

/// The one post-processing step: repairs what `epub-builder` writes and
/// re-zips the package deterministically.
///
/// - `content.opf`: the `dc:language` elements lose the ids that collide
///   with the `dc:creator` ones (`epub-creator-0` twice); guide titles,
///   which it escapes a second time, are escaped once.
/// - `nav.xhtml`: the edition's `lang`; no landmarks list when it is empty.
/// - `toc.ncx`: the `dtb:uid` of the identifier, the real `dtb:depth`.
/// - the fonts: their bytes in place of the empty files epub-builder wrote.
/// - the zip: `mimetype` first and stored, then every entry in name order,
///   deflated, with one fixed timestamp and no extra fields.
fn finish(raw: &[u8], fixes: &Fixes<'_>) -> Result<Vec<u8>, String> {
    let bad = |e: zip::result::ZipError| format!("cannot read back the EPUB: {e}");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(raw)).map_err(bad)?;
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for k in 0..archive.len() {
        let mut file = archive.by_index(k).map_err(bad)?;
        let mut data = Vec::new();
        file.read_to_end(&mut data)
            .map_err(|e| format!("cannot read back the EPUB: {e}"))?;
        entries.insert(file.name().to_string(), data);
    }
    let mut edit = |name: &str, f: &dyn Fn(&str) -> String| -> Result<(), String> {
        let data = entries
            .get_mut(name)
            .ok_or_else(|| format!("epub-builder wrote no {name}"))?;
        let text =
            String::from_utf8(std::mem::take(data)).map_err(|_| format!("{name} is not UTF-8"))?;
        *data = f(&text).into_bytes();
        Ok(())
    };
    edit("OEBPS/content.opf", &|text| {
        fix_opf(text, &fixes.title_lang, fixes.publisher.as_deref())
    })?;
    edit("OEBPS/nav.xhtml", &|text| fix_nav(text, &fixes.lang))?;
    edit("OEBPS/toc.ncx", &|text| {
        fix_ncx(text, &fixes.identifier, &fixes.lang, &fixes.title)
    })?;
    for (name, bytes) in &fixes.fonts {
        let placeholder = entries
            .get_mut(name)
            .ok_or_else(|| format!("epub-builder wrote no {name}"))?;
        *placeholder = bytes.to_vec();
    }

    let time = zip_time(fixes.modified);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    let failed = |e: zip::result::ZipError| format!("cannot write the EPUB: {e}");
    let mimetype = entries
        .remove("mimetype")
        .unwrap_or_else(|| b"application/epub+zip".to_vec());
    out.start_file("mimetype", stored).map_err(failed)?;
    out.write_all(&mimetype)
        .map_err(|e| format!("cannot write the EPUB: {e}"))?;
    for (name, data) in &entries {
        out.start_file(name.as_str(), deflated).map_err(failed)?;
        out.write_all(data)
            .map_err(|e| format!("cannot write the EPUB: {e}"))?;
    }
    Ok(out.finish().map_err(failed)?.into_inner())
}

/// A zip timestamp of a Unix time (zip dates run from 1980 to 2107).
fn zip_time(seconds: i64) -> zip::DateTime {
    let t = crate::write::utc(seconds.clamp(315_532_800, 4_354_819_199));
    zip::DateTime::from_date_and_time(
        t.year as u16,
        t.month as u8,
        t.day as u8,
        t.hour as u8,
        t.minute as u8,
        t.second as u8,
    )
    .unwrap_or_default()
}

/// `content.opf`: unique ids, guide titles escaped once, the title's
/// language, the publisher.
fn fix_opf(text: &str, title_lang: &str, publisher: Option<&str>) -> String {
    let publisher = publisher.map_or_else(String::new, |p| {
        format!("<dc:publisher>{}</dc:publisher>\n    ", escape(p))
    });
    let text = text.replacen(
        "<dc:title>",
        &format!("{publisher}<dc:title xml:lang=\"{}\">", escape(title_lang)),
        1,
    );
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    // <dc:language id="epub-creator-N"> → <dc:language>
    const OPEN: &str = "<dc:language id=\"";
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        out.push_str("<dc:language>");
        let after = &rest[at + OPEN.len()..];
        rest = after.find("\">").map_or(after, |end| &after[end + 2..]);
    }
    out.push_str(rest);
    // Guide titles: epub-builder escapes the (already escaped) title again.
    let mut fixed = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("<reference ") {
        let end = rest[at..].find("/>").map_or(rest.len(), |e| at + e);
        fixed.push_str(&rest[..at]);
        fixed.push_str(&unescape_once(&rest[at..end]));
        rest = &rest[end..];
    }
    fixed.push_str(rest);
    fixed
}

/// Undoes one level of escaping: `&amp;lt;` → `&lt;` (in one pass).
fn unescape_once(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("&amp;") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        let entity = ["amp;", "lt;", "gt;", "quot;", "#"]
            .iter()
            .find(|e| after.starts_with(*e));
        if entity.is_some() {
            out.push('&');
        } else {
            out.push_str("&amp;");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `nav.xhtml`: the edition's language; no empty landmarks list.
fn fix_nav(text: &str, lang: &str) -> String {
    let mut text = text.replacen(
        "xmlns:epub=\"http://www.idpf.org/2007/ops\">",
        &format!(
            "xmlns:epub=\"http://www.idpf.org/2007/ops\"{}>",
            lang_attrs(lang)
        ),
        1,
    );
    const LANDMARKS: &str = "<nav epub:type = \"landmarks\">";
    if let Some(start) = text.find(LANDMARKS) {
        if let Some(len) = text[start..].find("</nav>") {
            let end = start + len + "</nav>".len();
            if !text[start..end].contains("<li") {
                let line_start = text[..start].rfind('\n').map_or(start, |k| k + 1);
                let line_end = text[end..].find('\n').map_or(end, |k| end + k + 1);
                text.replace_range(line_start..line_end, "");
            } else {
                // For reading systems, not for display in the contents.
                text.replace_range(
                    start..start + LANDMARKS.len(),
                    "<nav epub:type=\"landmarks\" hidden=\"hidden\">",
                );
            }
        }
    }
    text
}

/// `toc.ncx`: the identifier, the depth of the navigation map, the
/// language, and the book's title (not the name of the contents).
fn fix_ncx(text: &str, identifier: &str, lang: &str, title: &str) -> String {
    let mut depth = 0usize;
    let mut level = 0usize;
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if rest.starts_with("<navPoint") {
            level += 1;
            depth = depth.max(level);
        } else if rest.starts_with("</navPoint") {
            level = level.saturating_sub(1);
        }
        rest = &rest[1..];
    }
    text.replacen(
        "<ncx version=\"2005-1\" xmlns=\"http://www.daisy.org/z3986/2005/ncx/\">",
        &format!(
            "<ncx version=\"2005-1\" xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" xml:lang=\"{}\">",
            escape(lang)
        ),
        1,
    )
    .replacen(
        "<meta name=\"dtb:depth\" content=\"1\" />",
        &format!(
            "<meta name=\"dtb:uid\" content=\"{}\" />\n    <meta name=\"dtb:depth\" content=\"{}\" />",
            escape(identifier),
            depth.max(1)
        ),
        1,
    )
    .replacen(
        &format!("<docTitle>\n    <text>{}</text>", crate::lang::contents_word(lang)),
        &format!("<docTitle>\n    <text>{}</text>", escape(title)),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_once_and_undoing_a_second_escape() {
        assert_eq!(escape("a < b & \"c\"\u{c}"), "a &lt; b &amp; &quot;c&quot;");
        let once = escape("R&D <x> &amp;");
        let twice = once.replace('&', "&amp;");
        assert_eq!(unescape_once(&twice), once);
    }

    #[test]
    fn the_opf_has_unique_ids() {
        let opf = "<dc:title>T</dc:title>\n<dc:language id=\"epub-creator-0\">en</dc:language>\n<dc:creator id=\"epub-creator-0\">A</dc:creator>\n<reference type=\"text\" title=\"R&amp;amp;D\" href=\"x\"/>";
        let fixed = fix_opf(opf, "en", Some("P & Q"));
        assert!(fixed.contains("<dc:publisher>P &amp; Q</dc:publisher>"));
        assert!(fixed.contains("<dc:title xml:lang=\"en\">T</dc:title>"));
        assert_eq!(fixed.matches("id=\"epub-creator-0\"").count(), 1);
        assert!(fixed.contains("<dc:language>en</dc:language>"));
        assert!(fixed.contains("title=\"R&amp;D\""));
    }

    #[test]
    fn an_empty_landmarks_list_goes() {
        let nav = "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">\n<body>\n  <nav epub:type = \"landmarks\">\n\n  </nav>\n</body>\n</html>\n";
        let fixed = fix_nav(nav, "zh");
        assert!(!fixed.contains("landmarks"), "{fixed}");
        assert!(fixed.contains("lang=\"zh\" xml:lang=\"zh\""));
        let full = nav.replace("\n\n  </nav>", "\n<ol><li>x</li></ol>\n  </nav>");
        assert!(fix_nav(&full, "en").contains("<nav epub:type=\"landmarks\" hidden=\"hidden\">"));
    }

    fn sample() -> Document {
        use crate::model::{
            Block, Cell, Inline, ListItem, Meta, Note, Numbering, Row, Section, Table,
        };
        let paragraph = |content: Vec<Inline>| Block::new(BlockKind::Paragraph { content }, "en");
        let text = |t: &str| paragraph(vec![Inline::text(t)]);
        let items = |texts: &[&str]| -> Vec<ListItem> {
            texts
                .iter()
                .map(|t| ListItem {
                    blocks: vec![text(t)],
                })
                .collect()
        };
        let nested = Block::new(
            BlockKind::List {
                numbering: None,
                tight: false,
                items: vec![ListItem {
                    blocks: vec![
                        text("Outer."),
                        Block::new(
                            BlockKind::List {
                                numbering: None,
                                tight: true,
                                items: items(&["Inner."]),
                            },
                            "en",
                        ),
                    ],
                }],
            },
            "en",
        );
        let cell = |t: &str| Cell {
            content: vec![Inline::text(t)],
        };
        Document {
            meta: Meta {
                title: Some("Back to the Future?".into()),
                publisher: None,
                rights: None,
                authors: vec!["MERICS".into()],
                date: Some("2024-07-04".into()),
                languages: vec!["en".into(), "zh".into()],
                source: None,
            },
            sections: vec![
                Section {
                    lang: "en".into(),
                    label: None,
                    blocks: vec![
                        Block::new(BlockKind::heading(1, "Summary & outlook"), "en"),
                        text("The idea of 社会治理 (social governance) grew."),
                        paragraph(vec![
                            Inline::text("An "),
                            Inline::Emphasis {
                                content: vec![Inline::text("emphasised")],
                            },
                            Inline::text(" and "),
                            Inline::Strong {
                                content: vec![Inline::text("strong")],
                            },
                            Inline::text(" word, "),
                            Inline::Code {
                                text: "code".into(),
                            },
                            Inline::text(", a "),
                            Inline::Link {
                                target: "https://merics.org/".into(),
                                content: vec![Inline::text("link")],
                            },
                            Inline::text(" and a note."),
                            Inline::NoteRef { id: "n1".into() },
                        ]),
                        Block::new(
                            BlockKind::List {
                                numbering: Some(Numbering {
                                    start: 3,
                                    ..Numbering::DECIMAL
                                }),
                                tight: true,
                                items: items(&["Third.", "Fourth.", "Fifth."]),
                            },
                            "en",
                        ),
                        nested,
                        Block::new(
                            BlockKind::Quote {
                                blocks: vec![text("Quoted.")],
                            },
                            "en",
                        ),
                        Block::new(
                            BlockKind::CodeBlock {
                                syntax: None,
                                text: "let x = 1 < 2;".into(),
                            },
                            "en",
                        ),
                        Block::new(
                            BlockKind::Table(Table {
                                columns: vec![Default::default(), crate::model::Alignment::Right],
                                head: vec![Row {
                                    cells: vec![cell("Year"), cell("Count")],
                                }],
                                body: vec![Row {
                                    cells: vec![cell("2024"), cell("75")],
                                }],
                            }),
                            "en",
                        ),
                        Block::new(BlockKind::ThematicBreak, "en"),
                    ],
                },
                Section {
                    lang: "zh".into(),
                    label: Some("Chinese".into()),
                    blocks: vec![Block::new(
                        BlockKind::paragraph("尽管中国共产党(CPC)进行社会改造已近75年。"),
                        "zh",
                    )],
                },
            ],
            notes: vec![Note {
                id: "n1".into(),
                blocks: vec![text("The note.")],
            }],
        }
    }

    fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, zip::CompressionMethod, zip::DateTime)> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|k| {
                let mut file = archive.by_index(k).unwrap();
                let mut data = Vec::new();
                file.read_to_end(&mut data).unwrap();
                (
                    file.name().to_string(),
                    data,
                    file.compression(),
                    file.last_modified().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn an_edition_is_a_finished_deterministic_package() {
        let document = sample();
        let mut book = FontBook::new(&crate::fonts::FontOptions::default()).unwrap();
        let edition = Edition::Combined;
        let a = write_epub(&document, &edition, &mut book, 1_720_051_200).unwrap();
        let b = write_epub(&document, &edition, &mut book, 1_720_051_200).unwrap();
        assert!(a.bytes == b.bytes, "the same bytes twice");
        assert!(a.uncovered.is_empty());
        let files = entries(&a.bytes);
        assert_eq!(files[0].0, "mimetype");
        assert_eq!(files[0].1, b"application/epub+zip");
        assert_eq!(files[0].2, zip::CompressionMethod::Stored);
        assert!(
            a.bytes[30..38] == *b"mimetype",
            "mimetype is the first local header"
        );
        let names: Vec<&str> = files.iter().skip(1).map(|f| f.0.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for (name, _, _, time) in &files {
            assert_eq!(
                (time.year(), time.month(), time.day()),
                (2024, 7, 4),
                "{name}"
            );
        }
        let text = |name: &str| {
            let f = files
                .iter()
                .find(|f| f.0 == name)
                .unwrap_or_else(|| panic!("{name}"));
            String::from_utf8(f.1.clone()).unwrap()
        };
        let opf = text("OEBPS/content.opf");
        let mut ids: Vec<&str> = opf
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "unique ids: {opf}");
        assert!(opf.contains("<dc:language>en</dc:language>"));
        assert!(opf.contains("<dc:language>zh</dc:language>"));
        assert!(opf.find(">en<").unwrap() < opf.find(">zh<").unwrap());
        // A run of Han in English text is Chinese, and so listed.
        let en_only = write_epub(
            &crate::edition::select(&document, &Edition::Lang("en".into())).unwrap(),
            &Edition::Lang("en".into()),
            &mut book,
            0,
        )
        .unwrap();
        let en_opf = entries(&en_only.bytes)
            .into_iter()
            .find(|f| f.0 == "OEBPS/content.opf")
            .map(|f| String::from_utf8(f.1).unwrap())
            .unwrap();
        assert!(
            en_opf.contains("<dc:language>en</dc:language>\n"),
            "{en_opf}"
        );
        assert!(en_opf.contains("<dc:language>zh</dc:language>"), "{en_opf}");
        assert!(opf.contains("<meta property=\"dcterms:modified\">2024-07-04T00:00:00Z</meta>"));
        assert!(opf.contains("<dc:date>2024-07-04T00:00:00Z</dc:date>"));
        assert!(opf.contains(&format!(
            "urn:uuid:{}",
            identifier(&document, &edition).hyphenated()
        )));
        assert!(opf.contains("<meta property=\"schema:accessibilityHazard\">none</meta>"));
        assert!(opf.contains("media-type=\"font/ttf\""));

        // The title page, then one document per section, each with its language.
        let title = text("OEBPS/title.xhtml");
        assert!(title.contains("lang=\"en\" xml:lang=\"en\""));
        assert!(title.contains("MERICS · 2024-07-04"));
        let en = text("OEBPS/section-01.xhtml");
        assert!(en.contains("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"en\" xml:lang=\"en\">"));
        assert!(en.contains("<h1 id=\"h1\">Summary &amp; outlook</h1>"));
        assert!(en.contains("<span lang=\"zh\" xml:lang=\"zh\">社会治理</span>"));
        assert!(en.contains(
            "<ol start=\"3\">\n<li>Third.</li>\n<li>Fourth.</li>\n<li>Fifth.</li>\n</ol>"
        ));
        for construct in [
            "<em>emphasised</em>",
            "<strong>strong</strong>",
            "<code>code</code>",
            "<a href=\"https://merics.org/\">link</a>",
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" href=\"#note-1\" id=\"ref-1\">1</a></sup>",
            "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"note-1\" class=\"note\">",
            "<a role=\"doc-backlink\" href=\"#ref-1\">1</a>",
            "<ul>\n<li>\n<p>Outer.</p>\n<ul>\n<li>Inner.</li>\n</ul>\n</li>\n</ul>",
            "<blockquote>\n<p>Quoted.</p>\n</blockquote>",
            "<pre><code>let x = 1 &lt; 2;</code></pre>",
            "<thead>\n<tr><th scope=\"col\">Year</th><th scope=\"col\" class=\"right\">Count</th></tr>",
            "<td class=\"right\">75</td>",
            "<hr/>",
        ] {
            assert!(en.contains(construct), "{construct} in {en}");
        }
        let zh = text("OEBPS/section-02.xhtml");
        assert!(zh.contains("lang=\"zh\" xml:lang=\"zh\""));
        let nav = text("OEBPS/nav.xhtml");
        assert!(nav.contains("lang=\"en\" xml:lang=\"en\""));
        assert!(nav.contains("<span lang=\"zh\" xml:lang=\"zh\">中文</span>"));
        assert!(nav.contains("section-01.xhtml#h1"));
        assert!(nav.contains("epub:type=\"titlepage\""));
        let ncx = text("OEBPS/toc.ncx");
        assert!(ncx.contains("dtb:uid"));

        // The stylesheet names only embedded faces; the CJK face first for Chinese.
        let css = text("OEBPS/stylesheet.css");
        assert!(!css.contains("px"));
        assert!(
            css.contains(
                ":lang(zh) {\n  font-family: \"NotoSerifSC-Regular\", \"NotoSerif-Regular\", serif;"
            ),
            "{css}"
        );
        assert!(css.contains("line-break: strict"));
        // Code keeps the monospaced face against the languages' stacks.
        let code = css.find(":root code, :root pre {\n  font-family: \"NotoSansMono-Regular\"");
        assert!(
            code.is_some_and(|at| at > css.rfind(":lang(").unwrap()),
            "{css}"
        );
        assert!(css.contains("p:lang(en), li:lang(en) {\n  hyphens: auto;"));
        // A readable measure; Latin text ragged, Chinese justified.
        assert!(css.contains("max-width: 36em;\n  margin: 0 auto;"));
        assert!(css.contains("p { margin: 0 0 0.75em; text-align: start;"));
        assert!(css.contains("p:lang(zh), li:lang(zh) {\n  text-align: justify;"));
        for family in ["NotoSerif-Regular", "NotoSerifSC-Regular", "NotoSans-Bold"] {
            let file = format!("OEBPS/fonts/{family}.ttf");
            let font = files
                .iter()
                .find(|f| f.0 == file)
                .unwrap_or_else(|| panic!("{file}"));
            let face = ttf_parser::Face::parse(&font.1, 0).unwrap();
            assert!(
                face.number_of_glyphs() < 80,
                "{family}: {}",
                face.number_of_glyphs()
            );
            assert!(css.contains(&format!("src: url(\"fonts/{family}.ttf\")")));
        }
    }

    #[test]
    fn the_identifier_follows_the_content() {
        let document = sample();
        let a = identifier(&document, &Edition::Combined);
        assert_eq!(a, identifier(&document, &Edition::Combined));
        assert_ne!(a, identifier(&document, &Edition::Lang("en".into())));
        let mut changed = document.clone();
        changed.meta.title = Some("Another".into());
        assert_ne!(a, identifier(&changed, &Edition::Combined));
        assert_eq!(a.get_version_num(), 8);
    }
}
