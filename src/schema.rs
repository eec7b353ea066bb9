//! JSON Schemas of the content files, generated from the model types (schemars reads the same
//! serde attributes the loader uses, and the fields' doc comments become descriptions), so the
//! schemas cannot drift from what `check` accepts. Editors with the YAML language server use them
//! for completion, hover docs and inline errors, through a first line written by `init` and `new`:
//! `# yaml-language-server: $schema=../../schemas/provider.json`.

use crate::model::{ClientData, FaqEntry, FrontMatter, ProviderData, SiteConfig, TroubleshootingEntry};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use std::path::Path;

/// The folder, relative to the site root, where `init` and `mailguide schema` put the schemas.
pub const DIR: &str = "schemas";

/// Every kind of content file that has a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Site,
    Provider,
    Client,
    Faq,
    Troubleshooting,
    FrontMatter,
}

impl FileKind {
    pub const ALL: [FileKind; 6] = [
        FileKind::Site,
        FileKind::Provider,
        FileKind::Client,
        FileKind::Faq,
        FileKind::Troubleshooting,
        FileKind::FrontMatter,
    ];

    /// The schema's file name in [`DIR`].
    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::Site => "site.json",
            FileKind::Provider => "provider.json",
            FileKind::Client => "client.json",
            FileKind::Faq => "faq.json",
            FileKind::Troubleshooting => "troubleshooting.json",
            FileKind::FrontMatter => "front-matter.json",
        }
    }

    fn title(self) -> &'static str {
        match self {
            FileKind::Site => "mailguide site settings (site.yaml)",
            FileKind::Provider => "mailguide provider (content/providers/<slug>.yaml)",
            FileKind::Client => "mailguide mail client (content/clients/<slug>.yaml)",
            FileKind::Faq => "mailguide FAQ entries (content/faq/<name>.yaml)",
            FileKind::Troubleshooting => "mailguide troubleshooting entries (content/troubleshooting/<name>.yaml)",
            FileKind::FrontMatter => "mailguide Markdown front matter (guides and pages, between --- lines)",
        }
    }

    /// The kind of a content file, by its path relative to the site root.
    pub fn of(rel: &str) -> Option<FileKind> {
        let parts: Vec<&str> = rel.split('/').collect();
        let yaml = rel.ends_with(".yaml") || rel.ends_with(".yml");
        match parts.as_slice() {
            ["site.yaml"] => Some(FileKind::Site),
            ["content", "providers", _] if yaml => Some(FileKind::Provider),
            ["content", "clients", _] if yaml => Some(FileKind::Client),
            ["content", "faq", _] if yaml => Some(FileKind::Faq),
            ["content", "troubleshooting", _] if yaml => Some(FileKind::Troubleshooting),
            ["content", ..] if rel.ends_with(".md") => Some(FileKind::FrontMatter),
            _ => None,
        }
    }

    /// The JSON Schema, pretty-printed with a final newline.
    pub fn schema(self) -> String {
        let mut schema = match self {
            FileKind::Site => generate::<SiteConfig>(),
            FileKind::Provider => generate::<ProviderData>(),
            FileKind::Client => generate::<ClientData>(),
            FileKind::Faq => generate::<Vec<FaqEntry>>(),
            FileKind::Troubleshooting => generate::<Vec<TroubleshootingEntry>>(),
            FileKind::FrontMatter => generate::<FrontMatter>(),
        };
        schema.insert("title".into(), self.title().into());
        let mut text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
        text.push('\n');
        text
    }

    /// The first line of a YAML file of this kind at `rel` (relative to the site root), pointing
    /// the YAML language server at the schema in `<root>/schemas/`.
    pub fn modeline(self, rel: &str) -> String {
        let depth = rel.split('/').count() - 1;
        format!(
            "# yaml-language-server: $schema={}{DIR}/{}\n",
            "../".repeat(depth),
            self.file_name()
        )
    }
}

fn generate<T: JsonSchema>() -> schemars::Schema {
    SchemaSettings::draft07().into_generator().into_root_schema_for::<T>()
}

/// Writes every schema into `dir` (created if needed); returns the paths written.
///
/// The folder is created if missing but must not be a link; each schema file is replaced by a
/// rename over it (rewriting them is what the command is for), and a link or anything but a
/// regular file where one goes is refused, so nothing is written through a link.
pub fn write_all(dir: &Path) -> Result<Vec<std::path::PathBuf>, crate::no_follow::NoFollowError> {
    use crate::no_follow::{self, NoFollowError};
    no_follow::not_a_link(dir)?;
    std::fs::create_dir_all(dir).map_err(|source| NoFollowError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    // Every file is checked before any is written, so a refusal leaves the folder as it was.
    for kind in FileKind::ALL {
        let path = dir.join(kind.file_name());
        no_follow::not_a_link(&path)?;
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(NoFollowError::NotAFile { path });
        }
    }
    let mut written = Vec::new();
    for kind in FileKind::ALL {
        let path = dir.join(kind.file_name());
        no_follow::replace(&path, kind.schema().as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modelines_point_back_to_the_root() {
        assert_eq!(
            FileKind::Provider.modeline("content/providers/x.yaml"),
            "# yaml-language-server: $schema=../../schemas/provider.json\n"
        );
        assert_eq!(
            FileKind::Site.modeline("site.yaml"),
            "# yaml-language-server: $schema=schemas/site.json\n"
        );
    }

    #[test]
    fn field_docs_become_descriptions() {
        let schema: serde_json::Value = serde_json::from_str(&FileKind::Provider.schema()).expect("JSON");
        let desc = schema["properties"]["domains"]["description"]
            .as_str()
            .unwrap_or_default();
        assert!(desc.contains("email domains"), "{desc}");
        assert_eq!(schema["additionalProperties"], serde_json::Value::Bool(false));
    }
}
