//! What offprint knows of each language, in one table: its English name (for
//! bookmarks), its own name (for tables of contents), the region its bare tag
//! stands for in DOCX (`en` → `en-GB`), and the words its editions print
//! ("Contents"). A language not in the table falls back to English
//! words and its own tag as its names.
//!
//! [`Lang`] is the tag itself, as the model holds it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A BCP 47 language tag in its canonical case (`en`, `zh-Hans-CN`, `es-419`):
/// `und` when the language is not known; empty on a block that takes its
/// section's.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    /// The tag `tag` names, its subtags in their canonical case (`ZH-hans-cn` →
    /// `zh-Hans-CN`; `_` read as `-`).
    pub fn new(tag: &str) -> Lang {
        let mut out = String::with_capacity(tag.len());
        for (k, subtag) in tag.trim().split(['-', '_']).enumerate() {
            if k > 0 {
                out.push('-');
            }
            let alpha = subtag.bytes().all(|b| b.is_ascii_alphabetic());
            match subtag.len() {
                4 if k > 0 && alpha => {
                    let (first, rest) = subtag.split_at(1);
                    out.push_str(&first.to_ascii_uppercase());
                    out.push_str(&rest.to_ascii_lowercase());
                }
                2 if k > 0 && alpha => out.push_str(&subtag.to_ascii_uppercase()),
                _ => out.push_str(&subtag.to_ascii_lowercase()),
            }
        }
        Lang(out)
    }

    /// The language of text nobody could tell: `und`.
    pub fn undetermined() -> Lang {
        Lang("und".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language subtag: `zh-Hans-CN` → `zh`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// The region subtag, if the tag has one: `zh-Hans-CN` → `CN`, `es-419` → `419`.
    pub fn region(&self) -> Option<&str> {
        self.0.split('-').skip(1).find(|s| {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
                || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        })
    }

    /// Whether no language is known: `und`, or nothing.
    pub fn is_unknown(&self) -> bool {
        self.0.is_empty() || self.0 == "und"
    }

    /// The tag with a region: its own, or the default of its language
    /// (`en` → `en-GB`); unchanged when neither is known.
    pub fn with_region(&self) -> Lang {
        match (self.region(), default_region(&self.0)) {
            (None, Some(region)) if !self.0.contains('-') => Lang(region.to_owned()),
            _ => self.clone(),
        }
    }
}

impl std::ops::Deref for Lang {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Lang {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Lang {
    fn from(tag: &str) -> Lang {
        Lang::new(tag)
    }
}

impl From<String> for Lang {
    fn from(tag: String) -> Lang {
        Lang::new(&tag)
    }
}

impl From<&String> for Lang {
    fn from(tag: &String) -> Lang {
        Lang::new(tag)
    }
}

impl PartialEq<str> for Lang {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Lang {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Lang> for &str {
    fn eq(&self, other: &Lang) -> bool {
        *self == other.0
    }
}

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
    fn tags_are_kept_in_canonical_case_with_their_parts_at_hand() {
        let tag = Lang::new("ZH_hans-cn");
        assert_eq!(tag, "zh-Hans-CN");
        assert_eq!((tag.primary(), tag.region()), ("zh", Some("CN")));
        assert_eq!(Lang::new("es-419").region(), Some("419"));
        assert_eq!(Lang::new("en").region(), None);
        assert_eq!(Lang::new("en").with_region(), "en-GB");
        assert_eq!(Lang::new("fr-CA").with_region(), "fr-CA");
        assert_eq!(Lang::new("sw").with_region(), "sw");
        assert!(Lang::undetermined().is_unknown() && Lang::default().is_unknown());
        assert!(!Lang::new("en").is_unknown());
    }

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
