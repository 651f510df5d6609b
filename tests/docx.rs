//! DOCX editions: written like the PDF ones, the same bytes every run and
//! whatever was written before in the same process, languages tagged, and
//! the fonts embedded so that they work.

mod common;

use common::{convert_brief, names, stderr, zip_part as part, zip_parts as parts, BRIEF};
use offprint::edition::{self, Edition};
use offprint::fonts::{FontBook, FontOptions};
use offprint::write::docx::package;
use offprint::write::Typesetter;
use offprint::WriteOptions;
use std::path::{Path, PathBuf};
use std::process::Output;

fn offprint(args: &[&str], epoch: Option<&str>) -> Output {
    let mut command = common::command(args);
    if let Some(epoch) = epoch {
        command.env("SOURCE_DATE_EPOCH", epoch);
    }
    command.output().expect("offprint runs")
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("docx", name)
}

#[test]
fn every_edition_is_written_as_docx_and_together_they_are_small() {
    let dir = scratch("editions");
    let out = convert_brief(&dir, &["--to", "docx"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let expected: Vec<String> = ["", ".en", ".es", ".fr", ".zh"]
        .iter()
        .map(|lang| format!("brief.extracted{lang}.docx"))
        .collect();
    assert_eq!(names(&dir), expected);
    let mut total = 0;
    for name in &expected {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        total += bytes.len();
        let parts = parts(&bytes);
        assert_eq!(parts[0].0, "[Content_Types].xml", "{name}");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        for k in 0..archive.len() {
            let file = archive.by_index(k).unwrap();
            assert_eq!(file.compression(), zip::CompressionMethod::Deflated);
            assert_eq!(file.last_modified(), Some(zip::DateTime::default()));
        }
    }
    assert!(total < 600 * 1024, "{total} bytes for the five editions");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_input_gives_the_same_docx_bytes() {
    let a = scratch("det-a");
    let b = scratch("det-b");
    for dir in [&a, &b] {
        convert_brief(dir, &["--to", "docx", "--toc", "--edition", "combined,zh"]);
    }
    assert_eq!(
        names(&a),
        ["brief.extracted.docx", "brief.extracted.zh.docx"]
    );
    for name in names(&a) {
        assert!(
            std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap(),
            "{name} differs between two runs"
        );
    }
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

fn brief() -> offprint::model::Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(BRIEF);
    let bytes = std::fs::read(path).unwrap();
    let raw = offprint::read_input("brief.extracted.txt", &bytes, &Default::default()).unwrap();
    offprint::clean::clean(&raw).document
}

#[test]
fn documents_written_in_one_process_do_not_depend_on_each_other() {
    let document = brief();
    let options = WriteOptions {
        toc: true,
        ..Default::default()
    };
    let write = |typesetter: &mut Typesetter, e: &Edition| {
        let doc = edition::select(&document, e).unwrap();
        typesetter.docx(&doc, e, &options).unwrap().bytes
    };
    let zh = Edition::Lang("zh".into());
    let mut first = Typesetter::new(FontBook::new(&FontOptions::default()).unwrap());
    let alone = write(&mut first, &zh);
    // Another typesetter, after other documents (and on another thread).
    let mut second = Typesetter::new(FontBook::new(&FontOptions::default()).unwrap());
    for e in edition::all(&document) {
        write(&mut second, &e);
    }
    let after = write(&mut second, &zh);
    assert!(alone == after, "the zh edition depends on what came before");
    let threaded = std::thread::scope(|s| {
        s.spawn(|| {
            let mut third = Typesetter::new(FontBook::new(&FontOptions::default()).unwrap());
            write(&mut third, &Edition::Combined);
            write(&mut third, &zh)
        })
        .join()
        .unwrap()
    });
    assert!(alone == threaded, "the zh edition depends on the thread");
}

#[test]
fn languages_styles_properties_and_fonts_are_in_the_package() {
    let dir = scratch("content");
    let out = offprint(
        &[
            "convert",
            BRIEF,
            "--to",
            "docx",
            "--edition",
            "combined,fr",
            "--locale",
            "en=en-US",
            "--meta",
            "title=Back to the Future?",
            "--meta",
            "author=MERICS",
            "--out",
            dir.to_str().unwrap(),
        ],
        Some("1720051200"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let combined = std::fs::read(dir.join("brief.extracted.docx")).unwrap();
    let document = part(&combined, "word/document.xml");
    for lang in [
        r#"<w:lang w:val="en-US"/>"#,
        r#"<w:lang w:val="fr-FR"/>"#,
        r#"<w:lang w:val="es-ES"/>"#,
        r#"<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/>"#,
    ] {
        assert!(document.contains(lang), "{lang}");
    }
    assert!(document.contains(r#"<w:rFonts w:hint="eastAsia" />"#));
    // Styles by name; no typed numbers; no fonts or sizes on runs.
    for style in ["Title", "Subtitle", "Heading1", "Normal", "ListNumber"] {
        assert!(
            document.contains(&format!(r#"<w:pStyle w:val="{style}" />"#)),
            "{style}"
        );
    }
    assert!(document.contains("<w:numPr>"));
    assert!(!document.contains("<w:sz "));
    assert!(!document.contains(r#"w:ascii="#));
    let styles = part(&combined, "word/styles.xml");
    assert_eq!(styles.matches(r#"w:styleId="Normal""#).count(), 1);
    for needle in [
        r#"<w:name w:val="heading 1" />"#,
        r#"<w:name w:val="List Number" />"#,
        r#"<w:name w:val="footer" />"#,
        r#"<w:outlineLvl w:val="0" />"#,
        r#"w:ascii="Noto Serif" w:hAnsi="Noto Serif" w:cs="Noto Serif" w:eastAsia="Noto Serif SC""#,
        r#"w:ascii="Noto Sans" w:hAnsi="Noto Sans" w:cs="Noto Sans" w:eastAsia="Noto Sans SC""#,
        r#"<w:lang w:val="en-US" w:eastAsia="zh-CN"/>"#,
    ] {
        assert!(styles.contains(needle), "{needle}");
    }
    // Readers hyphenate automatically, but never titles, headings or running lines.
    let style_of = |id: &str| {
        let start = styles
            .find(&format!(r#"w:styleId="{id}""#))
            .unwrap_or_else(|| panic!("{id}"));
        let end = start + styles[start..].find("</w:style>").unwrap();
        styles[start..end].to_string()
    };
    for id in ["Title", "Subtitle", "Heading1", "Footer"] {
        assert!(style_of(id).contains("<w:suppressAutoHyphens/>"), "{id}");
    }
    for id in ["Normal", "ListNumber"] {
        assert!(!style_of(id).contains("suppressAutoHyphens"), "{id}");
    }
    let core = part(&combined, "docProps/core.xml");
    for needle in [
        "<dc:title>Back to the Future?</dc:title>",
        "<dc:creator>MERICS</dc:creator>",
        "<dc:language>en-US</dc:language>",
        ">2024-07-04T00:00:00Z</dcterms:created>",
        ">2024-07-04T00:00:00Z</dcterms:modified>",
    ] {
        assert!(core.contains(needle), "{needle}");
    }
    let fr = std::fs::read(dir.join("brief.extracted.fr.docx")).unwrap();
    assert!(part(&fr, "docProps/core.xml").contains("<dc:language>fr-FR</dc:language>"));
    assert!(part(&fr, "word/styles.xml").contains(r#"<w:lang w:val="fr-FR" w:eastAsia="zh-CN"/>"#));
    let footer = part(&combined, "word/footer1.xml");
    assert!(footer.contains("<w:instrText>PAGE</w:instrText>"));
    // Pages after the first are headed by the title, the first by nothing.
    let header = part(&combined, "word/header1.xml");
    assert!(header.contains(">Back to the Future?</w:t>"), "{header}");
    assert!(
        document.contains("<w:titlePg />"),
        "the first page has its own header"
    );
    assert!(document.contains(r#"<w:headerReference w:type="first""#));
    assert!(document.contains(r#"<w:footerReference w:type="first""#));
    assert!(part(&combined, "word/settings.xml")
        .contains("<w:embedTrueTypeFonts/><w:saveSubsetFonts/>"));
    assert!(part(&combined, "[Content_Types].xml").contains(
        r#"<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>"#
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn embedded_fonts_are_obfuscated_subsets_that_map_the_text() {
    let document = brief();
    let zh = Edition::Lang("zh".into());
    let doc = edition::select(&document, &zh).unwrap();
    let mut typesetter = Typesetter::new(FontBook::new(&FontOptions::default()).unwrap());
    let bytes = typesetter
        .docx(&doc, &zh, &WriteOptions::default())
        .unwrap()
        .bytes;
    let table = part(&bytes, "word/fontTable.xml");
    let rels = part(&bytes, "word/_rels/fontTable.xml.rels");
    let all = parts(&bytes);
    let mut families = Vec::new();
    for font in table.split("<w:font w:name=\"").skip(1) {
        let family = font[..font.find('"').unwrap()].to_string();
        let embed = font.find("<w:embed").expect("embedded");
        let id = font[embed..].split("r:id=\"").nth(1).unwrap();
        let id = &id[..id.find('"').unwrap()];
        let key = font.split("w:fontKey=\"").nth(1).unwrap();
        let key = &key[..key.find('"').unwrap()];
        let target = rels.split(&format!("Id=\"{id}\"")).nth(1).unwrap();
        let target = target.split("Target=\"").nth(1).unwrap();
        let target = format!("word/{}", &target[..target.find('"').unwrap()]);
        let (_, data) = all.iter().find(|(n, _)| *n == target).unwrap();
        assert!(
            ttf_parser::Face::parse(data, 0).is_err(),
            "{family} is obfuscated"
        );
        let font = package::obfuscate(data, key);
        let face = ttf_parser::Face::parse(&font, 0).unwrap();
        assert!(face.tables().glyf.is_some(), "TrueType outlines");
        assert_eq!(
            face.tables().os2.unwrap().permissions(),
            Some(ttf_parser::Permissions::Installable)
        );
        if family == "Noto Serif SC" {
            for c in "尽管中国共产党进行社会改造已近年，“”。".chars() {
                assert!(face.glyph_index(c).is_some_and(|g| g.0 != 0), "{c}");
            }
            assert!(face.number_of_glyphs() < 400, "{}", face.number_of_glyphs());
        }
        families.push(family);
    }
    families.sort();
    assert_eq!(
        families,
        ["Noto Sans", "Noto Sans SC", "Noto Serif", "Noto Serif SC"]
    );
}

#[test]
fn a_table_of_contents_lists_the_headings_with_links_and_pages() {
    let dir = scratch("toc");
    convert_brief(&dir, &["--to", "docx", "--toc", "--edition", "fr"]);
    let bytes = std::fs::read(dir.join("brief.extracted.fr.docx")).unwrap();
    let document = part(&bytes, "word/document.xml");
    assert!(document.contains("Table des matières"));
    assert!(document.contains(r#"TOC \o &quot;1-3&quot; \h"#) || document.contains("TOC \\o"));
    assert!(document.contains(r#"<w:pStyle w:val="TOC1" />"#));
    assert!(document.contains(r#"<w:hyperlink w:anchor="_Toc00000001""#));
    assert!(document.contains(r#"<w:bookmarkStart w:id="1" w:name="_Toc00000001" />"#));
    assert!(document.contains("PAGEREF _Toc00000001 \\h"));
    assert!(part(&bytes, "word/settings.xml").contains(r#"<w:updateFields w:val="true"/>"#));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_uncovered_character_is_a_warning_and_bad_locales_an_error() {
    let dir = scratch("uncovered");
    let input = dir.join("odd.txt");
    std::fs::write(&input, "A line with a private character \u{F0000} in it.\n").unwrap();
    let out = offprint(
        &[
            "convert",
            input.to_str().unwrap(),
            "--to",
            "docx",
            "--no-system-fonts",
            "--out",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("no font covers '\\u{f0000}' (U+F0000, Supplementary Private Use Area-A)"),
        "{}",
        stderr(&out)
    );
    let bytes = std::fs::read(dir.join("odd.docx")).unwrap();
    assert!(part(&bytes, "word/document.xml").contains("\u{F0000}"));
    let out_dir = dir.join("out");
    let out = offprint(
        &[
            "convert",
            input.to_str().unwrap(),
            "--to",
            "docx",
            "--locale",
            "en",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&out).starts_with("offprint: error: --locale: "),
        "{}",
        stderr(&out)
    );
    assert!(!out_dir.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_document_without_a_title_is_headed_by_its_current_top_level_heading() {
    let dir = scratch("untitled");
    convert_brief(&dir, &["--to", "docx", "--edition", "combined"]);
    let bytes = std::fs::read(dir.join("brief.extracted.docx")).unwrap();
    let header = part(&bytes, "word/header1.xml");
    // A STYLEREF field that Word fills in page by page, with no text of its
    // own: a reader that does not update fields shows no head at all rather
    // than the same one on every page.
    assert!(
        header.contains(r#"<w:instrText>STYLEREF "heading 1" \* MERGEFORMAT</w:instrText>"#),
        "{header}"
    );
    assert!(!header.contains("<w:t"), "{header}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The fixture with every construct of the model.
fn constructs() -> offprint::model::Document {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/markdown/constructs.expected.md");
    let text = std::fs::read_to_string(path).unwrap();
    offprint::input::markdown::read_markdown(&text)
        .unwrap()
        .document
}

#[test]
fn every_construct_of_the_model_is_word_markup() {
    let document = constructs();
    let mut typesetter = Typesetter::new(FontBook::new(&FontOptions::default()).unwrap());
    let docx = typesetter
        .docx(&document, &Edition::Combined, &WriteOptions::default())
        .unwrap();
    let body = part(&docx.bytes, "word/document.xml");
    let squeezed = body.replace(" />", "/>");
    for (what, markup) in [
        ("emphasis", "<w:i/>"),
        ("strong", "<w:b/>"),
        ("strikeout", "<w:strike/>"),
        ("superscript", "<w:vertAlign w:val=\"superscript\"/>"),
        ("subscript", "<w:vertAlign w:val=\"subscript\"/>"),
        ("code", "<w:rFonts w:ascii=\"Noto Sans Mono\""),
        ("link", "<w:hyperlink r:id=\"rIdLink1\""),
        ("note", "<w:footnoteReference w:id=\"1\"/>"),
        ("quote", "<w:pStyle w:val=\"Quote\"/>"),
        ("code block", "<w:pStyle w:val=\"SourceCode\"/>"),
        ("table", "<w:tbl>"),
        ("header row", "<w:tblHeader/>"),
        ("break", "<w:pStyle w:val=\"Separator\"/>"),
        ("nested list", "<w:ilvl w:val=\"1\"/>"),
        ("line break", "<w:br w:type=\"textWrapping\"/>"),
    ] {
        assert!(
            squeezed.contains(markup),
            "{what}: {markup} not in the body"
        );
    }
    let rels = part(&docx.bytes, "word/_rels/document.xml.rels");
    assert!(
        rels.contains("Id=\"rIdLink1\"") && rels.contains("https://example.org/offprint"),
        "{rels}"
    );
    let notes = part(&docx.bytes, "word/footnotes.xml");
    for text in [
        "The English note, with",
        "中文注释。",
        "La note française.",
        "La nota española.",
    ] {
        assert!(notes.contains(text), "{text} not in the footnotes");
    }
    assert_eq!(notes.matches("<w:footnoteRef/>").count(), 4);
    let styles = part(&docx.bytes, "word/styles.xml");
    for style in [
        "Quote",
        "SourceCode",
        "FootnoteText",
        "FootnoteReference",
        "Hyperlink",
        "ListContinue1",
    ] {
        assert!(
            styles.contains(&format!("w:styleId=\"{style}\"")),
            "style {style}"
        );
    }
    let numbering = part(&docx.bytes, "word/numbering.xml");
    assert!(numbering.contains("lowerLetter"), "{numbering}");
    // The same document written again gives the same bytes: docx-rs's
    // process-wide counters (past 10 links, ids sort differently as strings)
    // leave no trace.
    for _ in 0..6 {
        let again = typesetter
            .docx(&document, &Edition::Combined, &WriteOptions::default())
            .unwrap();
        assert!(again.bytes == docx.bytes, "a later writing differs");
    }
}
