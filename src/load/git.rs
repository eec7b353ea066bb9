//! The day each content file was last committed, where the site is a git repository: the
//! sitemap's `<lastmod>` (as Hugo's `enableGitInfo`), which must not come from the clock, so two
//! builds of the same commit give the same bytes.
//!
//! One `git log --name-only` over `content/` gives every file's newest commit, newest first;
//! a file's first appearance is its date. No git, no repository, or any failure: no dates and no
//! error, since the dates only add to the sitemap. A shallow clone holds only its newest commits,
//! so every file older than them gets the date of the oldest commit it has.

use crate::model::Date;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Path relative to the site root (`content/providers/icloud.yaml`) → the day of its newest
/// commit (the committer date, UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitDates(HashMap<String, Date>);

impl CommitDates {
    pub fn get(&self, path: &str) -> Option<Date> {
        self.0.get(path).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Marks a commit's line in the log, before its time; file names follow on their own lines.
const MARK: char = '\u{1}';

/// The commit dates of the files under `<root>/content`, from one `git log`.
pub fn commit_dates(root: &Path) -> CommitDates {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        // Names with characters git would quote are left as they are (they get no date).
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--no-renames",
            "--relative",
            "--name-only",
        ])
        .arg(format!("--format={MARK}%ct"))
        .args(["--", "content"])
        // The site's own repository, whatever the environment says (a hook sets GIT_DIR).
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => CommitDates::default(),
    }
}

/// Reads the log: a commit line (`MARK` and the time), then the files it touched. The newest
/// commit comes first, so a file's first date is kept.
fn parse(log: &str) -> CommitDates {
    let mut dates = HashMap::new();
    let mut current: Option<Date> = None;
    for line in log.lines() {
        if let Some(time) = line.strip_prefix(MARK) {
            current = time.trim().parse::<i64>().ok().map(Date::from_unix_seconds);
        } else if let Some(date) = current
            && !line.is_empty()
        {
            dates.entry(line.to_string()).or_insert(date);
        }
    }
    CommitDates(dates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_a_file_is_its_date() {
        let log = "\u{1}1767355200\n\ncontent/a.yaml\n\u{1}1704196800\n\ncontent/a.yaml\ncontent/b.md\n";
        let dates = parse(log);
        assert_eq!(
            dates.get("content/a.yaml").map(|d| d.to_string()).as_deref(),
            Some("2026-01-02")
        );
        assert_eq!(
            dates.get("content/b.md").map(|d| d.to_string()).as_deref(),
            Some("2024-01-02")
        );
        assert_eq!(dates.get("content/c.md"), None);
    }

    #[test]
    fn a_folder_that_is_no_repository_has_no_dates() {
        let dir = std::env::temp_dir().join("mailguide-no-git-here-at-all");
        assert!(commit_dates(&dir).is_empty());
    }
}
