//! Writing content: a mapped provider as the text of its provider file, with a comment naming the
//! file it came from and what of it was not imported.

use super::PROVIDERS_DIR;
use super::map::{ConvertedProvider, Note, one_line};
use crate::model::PasswordKind;

/// The provider file's text: the schema line, a comment naming the source and what was not
/// imported, then the data in the content model's shape.
pub fn to_yaml(p: &ConvertedProvider, source_name: &str, notes: &[Note]) -> String {
    // The schema line first, as `mailguide new` writes it, for completion in editors.
    let mut out = crate::schema::FileKind::Provider.modeline(&format!("{PROVIDERS_DIR}/{}.yaml", p.slug));
    out += &format!(
        "# Imported from the Thunderbird autoconfig file {source_name} (emailProvider id=\"{}\")\n\
         # by `mailguide import ispdb`. Values are kept as the file gives them; `mailguide check`\n\
         # judges them.\n",
        comment_text(&p.id)
    );
    if !notes.is_empty() {
        out.push_str("# Not imported:\n");
        for n in notes {
            out.push_str(&format!("#   line {}: {}\n", n.line, comment_text(&n.message)));
        }
    }
    let mut value = serde_yaml::to_value(&p.data).expect("provider data serialises to YAML");
    if p.data.password.kind == PasswordKind::Account
        && p.data.password.app_password_url.is_none()
        && p.data.password.app_password_steps.is_none()
        && p.data.password.notes.is_none()
        && let Some(map) = value.as_mapping_mut()
    {
        // The default; writing it would claim a fact the ISPDB does not state.
        map.remove("password");
    }
    out.push_str(&serde_yaml::to_string(&value).expect("a YAML value serialises"));
    out
}

/// `s` on one line, fit for a YAML comment: YAML allows only printable characters there, and a
/// malformed autoconfig file can carry control characters (quick-xml passes them through), so
/// each is written as its escape, `\u{3}`.
fn comment_text(s: &str) -> String {
    one_line(s)
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::comment_text;

    #[test]
    fn comments_carry_control_characters_as_escapes() {
        assert_eq!(
            comment_text("Variants\u{3}\u{3} Mail\n x"),
            "Variants\\u{3}\\u{3} Mail x"
        );
        assert_eq!(comment_text("Grüße"), "Grüße");
    }
}
