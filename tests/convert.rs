//! `offprint convert` and `offprint fonts`: editions written, the same bytes
//! every run, and nothing written when something fails.

mod common;

use common::{convert_brief, names, offprint, stderr, zip_file_part as epub_entry, BRIEF};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    common::scratch("convert", name)
}

#[test]
fn every_edition_is_written_as_pdf_and_text() {
    let dir = scratch("editions");
    let out = convert_brief(&dir, &["--to", "pdf,md"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let mut expected = Vec::new();
    for ext in ["md", "pdf"] {
        expected.push(format!("brief.extracted.{ext}"));
        for lang in ["en", "es", "fr", "zh"] {
            expected.push(format!("brief.extracted.{lang}.{ext}"));
        }
    }
    expected.sort();
    assert_eq!(names(&dir), expected);
    let zh_md = std::fs::read_to_string(dir.join("brief.extracted.zh.md")).unwrap();
    assert!(zh_md.contains("::: {lang=zh"));
    assert!(!zh_md.contains("lang=en"));
    for name in names(&dir).iter().filter(|n| n.ends_with(".pdf")) {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7"), "{name}");
        assert!(
            bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"),
            "{name}"
        );
    }
    let zh = std::fs::read(dir.join("brief.extracted.zh.pdf")).unwrap();
    let text = String::from_utf8_lossy(&zh);
    assert!(text.contains("/Lang"));
    assert!(text.contains("offprint") || text.contains("/Producer"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = scratch("det-a");
    let b = scratch("det-b");
    for dir in [&a, &b] {
        convert_brief(dir, &["--edition", "combined,zh"]);
    }
    // The default formats: PDF, DOCX and EPUB.
    assert_eq!(
        names(&a),
        [
            "brief.extracted.docx",
            "brief.extracted.epub",
            "brief.extracted.pdf",
            "brief.extracted.zh.docx",
            "brief.extracted.zh.epub",
            "brief.extracted.zh.pdf"
        ]
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

#[test]
fn letter_paper_and_metadata() {
    let dir = scratch("letter");
    convert_brief(
        &dir,
        &[
            "--edition",
            "en",
            "--paper",
            "letter",
            "--meta",
            "title=Back to the Future?",
            "--meta",
            "author=MERICS",
        ],
    );
    let bytes = std::fs::read(dir.join("brief.extracted.en.pdf")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("/MediaBox[0 0 612 792]"), "letter paper");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_edition_is_a_warning_and_with_strict_no_output_at_all() {
    let dir = scratch("missing");
    let convert = |extra: &str| {
        let mut args = vec![
            "convert",
            BRIEF,
            "--edition",
            "combined,de",
            "--out",
            dir.to_str().unwrap(),
        ];
        if !extra.is_empty() {
            args.push(extra);
        }
        offprint(&args)
    };
    let out = convert("--strict");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "offprint: error: fixtures/brief/brief.extracted.txt: no sections in language \"de\""
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    let out = convert("");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("no de edition"),
        "{err}"
    );
    assert!(names(&dir).contains(&"brief.extracted.pdf".to_string()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_output_at_all_when_the_input_fails() {
    let dir = scratch("bad-input");
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, b"\xff\xfe\xfa not text").unwrap();
    let out_dir = dir.join("out");
    let out = offprint(&[
        "convert",
        bad.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("offprint: error: "),
        "{}",
        stderr(&out)
    );
    assert!(!out_dir.exists());
    let out = offprint(&[
        "convert",
        BRIEF,
        "--meta",
        "colour=red",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    // A bad --meta is a usage error.
    assert_eq!(out.status.code(), Some(2));
    assert!(!out_dir.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fonts_lists_the_faces_and_their_coverage() {
    let out = offprint(&["fonts", BRIEF]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Noto Serif Regular (bundled)"), "{text}");
    assert!(text.contains("Noto Serif SC Regular (bundled)"), "{text}");
    assert!(text.contains("Noto Sans SC Bold (bundled)"), "{text}");
    assert!(text.contains("every character is covered"), "{text}");
}

#[test]
fn an_uncovered_character_is_a_warning_naming_it() {
    let dir = scratch("uncovered");
    let input = dir.join("odd.txt");
    std::fs::write(&input, "A line with a private character \u{F0000} in it.\n").unwrap();
    let out = offprint(&[
        "convert",
        input.to_str().unwrap(),
        "--no-system-fonts",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no font covers '\\u{f0000}' (U+F0000, Supplementary Private Use Area-A)"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_dates_of_the_pdf_and_epub_come_from_source_date_epoch() {
    let dir = scratch("epoch");
    let out = common::command(&[
        "convert",
        BRIEF,
        "--to",
        "pdf,epub",
        "--edition",
        "fr",
        "--out",
        dir.to_str().unwrap(),
    ])
    .env("SOURCE_DATE_EPOCH", "1720051200")
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(dir.join("brief.extracted.fr.pdf")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("D:20240704000000Z"), "creation date");
    assert!(text.contains("/Lang(fr)"), "edition language");
    assert!(text.contains("/Outlines"), "outline");
    let opf = epub_entry(&dir.join("brief.extracted.fr.epub"), "OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2024-07-04T00:00:00Z</meta>"),
        "{opf}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn chinese_text_comes_back_out_of_the_pdf() {
    let dir = scratch("roundtrip");
    convert_brief(&dir, &["--edition", "zh"]);
    let pdf = dir.join("brief.extracted.zh.pdf");
    let out = offprint(&["extract", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text: String = String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("回到未来？新的中共中央社会工作部"), "{text}");
    assert!(
        text.contains("尽管中国共产党(CPC)进行社会改造已近75年"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn each_font_embeds_only_the_glyphs_it_uses() {
    let dir = scratch("subset");
    convert_brief(&dir, &["--edition", "zh"]);
    let doc = lopdf::Document::load(dir.join("brief.extracted.zh.pdf")).unwrap();
    let mut programs = 0;
    for object in doc.objects.values() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        if stream.dict.get(b"Length1").is_err() {
            continue;
        }
        let data = stream.decompressed_content().unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        // The Chinese section has under 200 distinct characters.
        assert!(face.number_of_glyphs() < 200, "{}", face.number_of_glyphs());
        assert!(data.len() < 200_000, "{}", data.len());
        programs += 1;
    }
    assert!(programs >= 3, "{programs} font programs");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_edition_is_written_as_epub_and_the_five_are_small() {
    let dir = scratch("epub");
    let out = convert_brief(&dir, &["--to", "epub"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(
        names(&dir),
        [
            "brief.extracted.en.epub",
            "brief.extracted.epub",
            "brief.extracted.es.epub",
            "brief.extracted.fr.epub",
            "brief.extracted.zh.epub"
        ]
    );
    let mut total = 0;
    for name in names(&dir) {
        let path = dir.join(&name);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{name}");
        assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip", "{name}");
        total += bytes.len();
    }
    assert!(
        total < 500 * 1024,
        "the five EPUB editions take {total} bytes"
    );
    // The Chinese edition: Chinese documents, the Chinese faces, nothing else.
    let zh = dir.join("brief.extracted.zh.epub");
    let opf = epub_entry(&zh, "OEBPS/content.opf");
    assert!(opf.contains("<dc:language>zh</dc:language>"), "{opf}");
    assert!(!opf.contains("<dc:language>en</dc:language>"), "{opf}");
    assert!(
        opf.contains("href=\"fonts/NotoSerifSC-Regular.ttf\""),
        "{opf}"
    );
    let section = epub_entry(&zh, "OEBPS/section-01.xhtml");
    assert!(section.contains("lang=\"zh\" xml:lang=\"zh\""), "{section}");
    assert!(section.contains("尽管中国共产党"), "{section}");
    let combined = dir.join("brief.extracted.epub");
    let nav = epub_entry(&combined, "OEBPS/nav.xhtml");
    for name in [
        "English",
        "中文",
        "Français",
        "Español",
        "Executive Summary",
    ] {
        assert!(nav.contains(name), "{name} in {nav}");
    }
    let list = epub_entry(&combined, "OEBPS/section-05.xhtml");
    assert!(list.contains("<ol>\n<li>In the past 15 years"), "{list}");
    assert_eq!(list.matches("<li>").count(), 9);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_input_gives_the_same_epub_bytes() {
    let a = scratch("epub-det-a");
    let b = scratch("epub-det-b");
    for dir in [&a, &b] {
        convert_brief(dir, &["--to", "epub", "--meta", "author=MERICS"]);
        // A second apart: the wall clock must not reach the files.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    assert_eq!(names(&a).len(), 5);
    for name in names(&a) {
        assert!(
            std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap(),
            "{name} differs between two runs"
        );
    }
    let opf = epub_entry(&a.join("brief.extracted.epub"), "OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2000-01-01T00:00:00Z</meta>"),
        "{opf}"
    );
    assert!(opf.contains("<dc:creator id=\"epub-creator-0\">MERICS</dc:creator>"));
    assert_eq!(opf.matches("id=\"epub-creator-0\"").count(), 1, "{opf}");
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}
