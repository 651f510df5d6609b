//! Text exports of the model: Markdown, JSON and plain text.

pub mod json;
pub mod md;
pub mod txt;

/// A text export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    Markdown,
    Json,
    Text,
}

impl TextFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TextFormat::Markdown => "md",
            TextFormat::Json => "json",
            TextFormat::Text => "txt",
        }
    }

    pub fn render(self, document: &crate::model::Document) -> String {
        match self {
            TextFormat::Markdown => md::to_markdown(document),
            TextFormat::Json => json::to_json(document),
            TextFormat::Text => txt::to_text(document),
        }
    }
}
