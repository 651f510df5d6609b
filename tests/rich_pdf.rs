//! What a PDF's fonts, raised glyphs, link annotations and footnotes say is read
//! into the model: renders of `fixtures/rich/rich.md` by LibreOffice, pdfTeX
//! and Chromium, each cleaned to the Markdown it should give.

use offprint::model::{Document, Inline};
use offprint::{Prepared, ReadOptions};

fn clean(name: &str) -> Document {
    let path = format!("{}/fixtures/rich/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("fixture");
    Prepared::read(name, &bytes, &ReadOptions::default())
        .expect("readable")
        .document
}

fn expected(name: &str) -> String {
    let path = format!("{}/fixtures/rich/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture")
}

#[test]
fn libreoffice_and_pdftex_renders_clean_to_emphasis_links_code_and_footnotes() {
    for render in ["rich.lo.pdf", "rich.latex.pdf"] {
        let document = clean(render);
        let markdown = offprint::export::md::to_markdown(&document);
        assert_eq!(markdown, expected("rich.expected.md"), "{render}");
        assert_eq!(document.notes.len(), 3, "{render}");
        assert_eq!(
            document.note_numbers().len(),
            3,
            "{render}: every note referred to"
        );
    }
}

#[test]
fn chromium_render_keeps_its_endnotes_as_text_and_finds_emphasis_and_links() {
    let document = clean("rich.chromium.pdf");
    let markdown = offprint::export::md::to_markdown(&document);
    assert_eq!(markdown, expected("rich.chromium.expected.md"));
    let mut links = Vec::new();
    for block in document.blocks() {
        block.for_each_inline(&mut |inline| {
            if let Inline::Link { target, .. } = inline {
                links.push(target.clone());
            }
        });
    }
    assert_eq!(
        links,
        [
            "https://archive.example.org/register/1874",
            "https://creativecommons.org/licenses/by/4.0/",
            "https://archives.example.fr/registres",
        ]
    );
}

#[test]
fn the_edits_say_which_lines_went_into_notes() {
    let path = format!(
        "{}/fixtures/rich/rich.latex.pdf",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).expect("fixture");
    let prepared =
        Prepared::read("rich.latex.pdf", &bytes, &ReadOptions::default()).expect("readable");
    let moved: Vec<String> = prepared
        .report
        .as_ref()
        .expect("a PDF is cleaned")
        .of_kind(offprint::clean::EditKind::Footnote)
        .map(|edit| edit.after.clone())
        .collect();
    assert_eq!(moved, ["note 1", "note 2", "note 3"]);
    let styled: Vec<(String, String)> = prepared
        .report
        .as_ref()
        .expect("a PDF is cleaned")
        .of_kind(offprint::clean::EditKind::InlineStyle)
        .map(|edit| (edit.before.clone(), edit.after.clone()))
        .collect();
    for (before, after) in [
        ("as it was made", "*as it was made*"),
        ("every", "**every**"),
        ("REG-1874-02", "`REG-1874-02`"),
        ("1", "[^1]"),
        (
            "the county archive",
            "[the county archive](https://archive.example.org/register/1874)",
        ),
    ] {
        assert!(
            styled.contains(&(before.to_owned(), after.to_owned())),
            "no edit {before:?} → {after:?} in {styled:?}"
        );
    }
}

#[test]
fn a_table_is_read_row_by_row_into_a_table_block_by_each_producer() {
    for render in ["table.lo.pdf", "table.latex.pdf", "table.chromium.pdf"] {
        let document = clean(render);
        let markdown = offprint::export::md::to_markdown(&document);
        assert_eq!(markdown, expected("table.expected.md"), "{render}");
        let tables: Vec<&offprint::model::Table> = document
            .blocks()
            .filter_map(|b| match &b.kind {
                offprint::model::BlockKind::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 1, "{render}");
        assert_eq!(
            (tables[0].head.len(), tables[0].body.len()),
            (1, 4),
            "{render}"
        );
        use offprint::model::Alignment::{Left, Right};
        assert_eq!(tables[0].columns, [Left, Right, Left, Right], "{render}");
    }
}
