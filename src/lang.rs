//! What offprint knows of each language, in one table: its English name (for
//! bookmarks), its own name (for tables of contents), the region its bare tag
//! stands for in DOCX (`en` → `en-GB`), and the words its editions print
//! ("Contents"). A language not in the table falls back to English
//! words and its own tag as its names.

/// The facts of one language, keyed by its primary subtag.
struct Facts {
    tag: &'static str,
    english: &'static str,
    autonym: &'static str,
    region: &'static str,
    contents: &'static str,
}

const FACTS: &[Facts] = &[
    Facts {
        tag: "en",
        english: "English",
        autonym: "English",
        region: "en-GB",
        contents: "Contents",
    },
    Facts {
        tag: "zh",
        english: "Chinese",
        autonym: "中文",
        region: "zh-CN",
        contents: "目录",
    },
    Facts {
        tag: "fr",
        english: "French",
        autonym: "Français",
        region: "fr-FR",
        contents: "Table des matières",
    },
    Facts {
        tag: "es",
        english: "Spanish",
        autonym: "Español",
        region: "es-ES",
        contents: "Índice",
    },
    Facts {
        tag: "de",
        english: "German",
        autonym: "Deutsch",
        region: "de-DE",
        contents: "Inhalt",
    },
    Facts {
        tag: "it",
        english: "Italian",
        autonym: "Italiano",
        region: "it-IT",
        contents: "Indice",
    },
    Facts {
        tag: "pt",
        english: "Portuguese",
        autonym: "Português",
        region: "pt-PT",
        contents: "Índice",
    },
    Facts {
        tag: "ja",
        english: "Japanese",
        autonym: "日本語",
        region: "ja-JP",
        contents: "目次",
    },
    Facts {
        tag: "ko",
        english: "Korean",
        autonym: "한국어",
        region: "ko-KR",
        contents: "목차",
    },
    Facts {
        tag: "ru",
        english: "Russian",
        autonym: "Русский",
        region: "ru-RU",
        contents: "Содержание",
    },
];

/// The primary subtag of a BCP 47 tag, lower case: `en-GB` → `en`.
pub fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

fn facts(tag: &str) -> Option<&'static Facts> {
    let primary = primary(tag);
    FACTS.iter().find(|f| f.tag == primary)
}

/// The English name of a language (`Chinese`), else its tag.
pub fn english_name(tag: &str) -> String {
    facts(tag).map_or_else(|| primary(tag), |f| f.english.to_string())
}

/// The name of a language in that language (`中文`), else its English name.
pub fn autonym(tag: &str) -> String {
    facts(tag).map_or_else(|| english_name(tag), |f| f.autonym.to_string())
}

/// The region a bare language tag stands for (`en` → `en-GB`).
pub fn default_region(tag: &str) -> Option<&'static str> {
    facts(tag).map(|f| f.region)
}

/// The bare tags that have a default region, with it.
pub fn default_regions() -> impl Iterator<Item = (&'static str, &'static str)> {
    FACTS.iter().map(|f| (f.tag, f.region))
}

/// "Contents" in a language.
pub fn contents_word(tag: &str) -> &'static str {
    facts(tag).map_or("Contents", |f| f.contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_found_by_primary_subtag_and_unknown_tags_fall_back() {
        assert_eq!(autonym("zh-Hans-CN"), "中文");
        assert_eq!(english_name("FR"), "French");
        assert_eq!(contents_word("es-MX"), "Índice");
        assert_eq!(default_region("en"), Some("en-GB"));
        assert_eq!(english_name("sw"), "sw");
        assert_eq!(autonym("sw"), "sw");
        assert_eq!(contents_word("sw"), "Contents");
    }
}
