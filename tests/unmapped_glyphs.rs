//! Glyphs in fonts without a Unicode map: read through an Adobe character
//! collection when the font's CIDs are one's, else said to be lost (a
//! warning per page, or the document fails with the reason). The PDFs are
//! made here with lopdf: Helvetica as /F1, and as /F2 a Type0 font with an
//! Identity-H encoding, no /ToUnicode, and the CIDs of `Adobe-<ordering>`.

mod common;

use common::{offprint, scratch, stderr};
use lopdf::{dictionary, Document, Object, Stream};
use std::path::{Path, PathBuf};

fn pdf(dir: &Path, name: &str, ordering: &str, content: &str) -> PathBuf {
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let helvetica = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+NotoSerifCJKjp-Regular",
        "Flags" => 4, "ItalicAngle" => 0, "Ascent" => 880, "Descent" => -120,
        "CapHeight" => 700, "StemV" => 80,
        "FontBBox" => vec![0.into(), (-120).into(), 1000.into(), 880.into()],
    });
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0",
        "BaseFont" => "ABCDEF+NotoSerifCJKjp-Regular",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal(ordering),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor, "DW" => 1000,
    });
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0",
        "BaseFont" => "ABCDEF+NotoSerifCJKjp-Regular-Identity-H",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
    });
    let stream = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => stream,
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            "Resources" => dictionary! {
                "Font" => dictionary! { "F1" => helvetica, "F2" => cid_font },
            },
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let path = dir.join(name);
    doc.save(&path).expect("test PDF saves");
    path
}

const BODY: &str = "BT /F1 12 Tf 72 700 Td (Plenty of ordinary text on this page, \
                    enough to outweigh the few glyphs that read as nothing.) Tj ET";

#[test]
fn glyphs_without_a_unicode_map_are_a_warning_naming_page_and_font() {
    let dir = scratch("unmapped", "warning");
    let input = pdf(
        &dir,
        "mixed.pdf",
        "Identity",
        &format!("{BODY} BT /F2 12 Tf 72 680 Td <000100020003> Tj ET"),
    );
    let out = offprint(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        dir.join("mixed.txt").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "offprint: warning: {}: page 1: 3 glyphs in fonts without a Unicode map \
             (NotoSerifCJKjp-Regular) could not be read as text\n",
            input.display()
        )
    );
    let text = std::fs::read_to_string(dir.join("mixed.txt")).unwrap();
    assert!(text.contains("Plenty of ordinary text"), "{text}");

    // The batch summary carries it as a warning of kind `unmapped-glyphs`.
    let summary = dir.join("summary.json");
    let out = offprint(&[
        "convert",
        input.to_str().unwrap(),
        "--to",
        "md",
        "--out",
        dir.join("out").to_str().unwrap(),
        "--json",
        summary.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let warnings = &summary["inputs"][0]["warnings"];
    let unmapped: Vec<&serde_json::Value> = warnings
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "unmapped-glyphs")
        .collect();
    assert_eq!(unmapped.len(), 1, "{warnings}");
    assert_eq!(unmapped[0]["pages"], serde_json::json!([1]));
    assert!(
        unmapped[0]["message"]
            .as_str()
            .unwrap()
            .contains("3 glyphs in fonts without a Unicode map (NotoSerifCJKjp-Regular)"),
        "{warnings}"
    );
}

#[test]
fn a_document_of_glyphs_without_a_unicode_map_fails_with_the_reason() {
    let dir = scratch("unmapped", "failure");
    let input = pdf(
        &dir,
        "unmapped.pdf",
        "Identity",
        "BT /F2 12 Tf 72 700 Td <0001000200030004> Tj ET",
    );
    let output = dir.join("unmapped.md");
    let out = offprint(&[
        "clean",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "offprint: error: {}: text in fonts without a Unicode map: 4 glyphs on 1 page \
             (NotoSerifCJKjp-Regular); no text could be recovered\n",
            input.display()
        )
    );
    assert!(!output.exists());
}

#[test]
fn a_cid_font_of_an_adobe_collection_is_read_and_said_so() {
    let dir = scratch("unmapped", "recovered");
    // 世界人权宣言 by its Adobe-GB1 CIDs.
    let input = pdf(
        &dir,
        "gb1.pdf",
        "GB1",
        "BT /F2 12 Tf 72 700 Td <0D5708B80CA60C830FC60FFD> Tj ET",
    );
    let output = dir.join("gb1.txt");
    let out = offprint(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "世界人权宣言\n\u{c}"
    );
    assert_eq!(
        stderr(&out),
        format!(
            "offprint: note: {}: 6 glyphs in fonts without a Unicode map read through \
             the Adobe-GB1 character collection\n",
            input.display()
        )
    );
}
