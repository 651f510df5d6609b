//! `cargo xtask schema`: writes the JSON Schema of offprint's document model,
//! `docs/offprint-document.schema.json`, derived from the model's types (with
//! `schemars`), so that it cannot drift from them. `--check` fails when the
//! file is not what the types derive; `cargo xtask validate` checks every JSON
//! export against it.

use std::path::{Path, PathBuf};

/// Where the schema lives in the repository.
pub fn path(root: &Path) -> PathBuf {
    root.join("docs/offprint-document.schema.json")
}

/// The schema of `offprint convert --to json`: the model with its
/// `format` and `version`.
pub fn schema() -> serde_json::Value {
    let mut schema = offprint::model::json_schema();
    schema["title"] = "offprint document".into();
    schema["description"] = format!(
        "The clean document offprint exports as JSON (format version {}).",
        offprint::model::FORMAT_VERSION
    )
    .into();
    schema["properties"]["format"] = serde_json::json!({ "const": "offprint-document" });
    schema["properties"]["version"] =
        serde_json::json!({ "const": offprint::model::FORMAT_VERSION });
    if let Some(required) = schema["required"].as_array_mut() {
        required.insert(0, "version".into());
        required.insert(0, "format".into());
    }
    schema
}

pub fn run(args: impl Iterator<Item = String>) -> Result<(), String> {
    let check = args.into_iter().any(|a| a == "--check");
    let root = crate::root();
    let path = path(&root);
    let mut text = serde_json::to_string_pretty(&schema()).map_err(|e| e.to_string())?;
    text.push('\n');
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != text {
            return Err(format!(
                "{} is not what the model's types derive: run `cargo xtask schema`",
                path.display()
            ));
        }
        println!("{}: up to date", path.display());
        return Ok(());
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_in_the_repository_is_the_one_the_types_derive() {
        let root = crate::root();
        let mut text = serde_json::to_string_pretty(&super::schema()).unwrap();
        text.push('\n');
        let current = std::fs::read_to_string(super::path(&root)).unwrap();
        assert!(current == text, "run `cargo xtask schema`");
    }
}
