//! Editions: the combined document, and one per language holding that
//! language's sections (the English edition holds the English sections, …).

use crate::model::{Document, Lang};

/// One edition of a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    /// Every section, in order.
    Combined,
    /// The sections in one language (a BCP 47 tag).
    Lang(String),
}

impl Edition {
    /// Parses `combined` or a language tag.
    pub fn parse(text: &str) -> Result<Edition, String> {
        let text = text.trim();
        if text == "combined" {
            return Ok(Edition::Combined);
        }
        let valid = !text.is_empty()
            && text.len() <= 35
            && text.split('-').all(|part| {
                !part.is_empty()
                    && part.len() <= 8
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if valid {
            Ok(Edition::Lang(text.to_ascii_lowercase()))
        } else {
            Err(format!(
                "not an edition: {text:?} (combined, or a language tag such as en, zh)"
            ))
        }
    }

    /// The file name of the edition of `stem`: `stem.ext` or `stem.lang.ext`.
    pub fn file_name(&self, stem: &str, extension: &str) -> String {
        match self {
            Edition::Combined => format!("{stem}.{extension}"),
            Edition::Lang(lang) => format!("{stem}.{lang}.{extension}"),
        }
    }

    /// The language of the edition (for the combined edition: of its first
    /// section), with its region when the document has one (`en-GB`).
    pub fn lang(&self, document: &Document) -> Lang {
        match self {
            Edition::Combined => document
                .meta
                .languages
                .first()
                .cloned()
                .or_else(|| document.sections.first().map(|s| s.lang.clone()))
                .unwrap_or_else(Lang::undetermined),
            Edition::Lang(lang) => document
                .meta
                .languages
                .iter()
                .find(|tag| tag.primary() == lang.as_str())
                .cloned()
                .unwrap_or_else(|| Lang::new(lang)),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Edition::Combined => "combined".into(),
            Edition::Lang(lang) => lang.clone(),
        }
    }
}

/// Every edition of `document`: the combined one, then one per language in
/// order of first appearance (by language subtag: `en-GB` text is in the
/// `en` edition).
pub fn all(document: &Document) -> Vec<Edition> {
    let mut editions = vec![Edition::Combined];
    for section in &document.sections {
        let edition = Edition::Lang(crate::lang::primary(&section.lang));
        if section.lang != "und" && !editions.contains(&edition) {
            editions.push(edition);
        }
    }
    editions
}

/// The document of one edition; an error if the document has no section
/// in the edition's language.
pub fn select(document: &Document, edition: &Edition) -> Result<Document, String> {
    match edition {
        Edition::Combined => Ok(document.clone()),
        Edition::Lang(lang) => {
            let matches = |tag: &str| tag == lang || tag.split('-').next() == Some(lang.as_str());
            let sections: Vec<_> = document
                .sections
                .iter()
                .filter(|s| matches(&s.lang))
                .cloned()
                .collect();
            if sections.is_empty() {
                let present: Vec<String> =
                    all(document).iter().skip(1).map(Edition::label).collect();
                return Err(format!(
                    "no sections in language {lang:?} (the document has: {})",
                    if present.is_empty() {
                        "none".to_string()
                    } else {
                        present.join(", ")
                    }
                ));
            }
            let mut meta = document.meta.clone();
            meta.languages = Vec::new();
            for section in &sections {
                if !meta.languages.contains(&section.lang) {
                    meta.languages.push(section.lang.clone());
                }
            }
            // The notes its sections refer to, in the document's order.
            let referred = Document::note_ids(sections.iter().flat_map(|s| &s.blocks));
            let notes = document
                .notes
                .iter()
                .filter(|note| referred.contains(&note.id))
                .cloned()
                .collect();
            Ok(Document {
                meta,
                sections,
                notes,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, BlockKind, Provenance, Section};

    fn doc() -> Document {
        let section = |lang: &str, text: &str| Section {
            lang: lang.into(),
            label: None,
            blocks: vec![Block {
                kind: BlockKind::paragraph(text),
                lang: lang.into(),
                provenance: Provenance::default(),
            }],
        };
        Document {
            notes: Vec::new(),
            meta: crate::model::Meta {
                languages: vec!["en".into(), "zh".into()],
                ..Default::default()
            },
            sections: vec![
                section("en", "One."),
                section("zh", "二。"),
                section("en", "Three."),
            ],
        }
    }

    #[test]
    fn a_language_edition_holds_that_languages_sections() {
        let d = doc();
        assert_eq!(
            all(&d),
            [
                Edition::Combined,
                Edition::Lang("en".into()),
                Edition::Lang("zh".into())
            ]
        );
        let en = select(&d, &Edition::Lang("en".into())).unwrap();
        assert_eq!(en.sections.len(), 2);
        assert_eq!(en.meta.languages, ["en"]);
        assert!(select(&d, &Edition::Lang("fr".into())).is_err());
        assert_eq!(
            Edition::parse("zh").unwrap().file_name("brief", "pdf"),
            "brief.zh.pdf"
        );
        assert_eq!(Edition::Combined.file_name("brief", "pdf"), "brief.pdf");
        assert!(Edition::parse("../x").is_err());
    }

    #[test]
    fn a_regional_tag_is_in_its_languages_edition() {
        let mut d = doc();
        d.sections[0].lang = "en-GB".into();
        d.sections[2].lang = "en-GB".into();
        d.meta.languages = vec!["en-GB".into(), "zh".into()];
        let en = Edition::Lang("en".into());
        assert_eq!(all(&d)[1], en);
        let selected = select(&d, &en).unwrap();
        assert_eq!(selected.meta.languages, ["en-GB"]);
        assert_eq!(en.lang(&selected), "en-GB");
        assert_eq!(en.file_name("brief", "pdf"), "brief.en.pdf");
    }
}
