//! The rank of each top-level module: data flows one way, from the content files to the
//! commands, and a module imports only modules of a lower rank (and its own submodules).
//!
//! The rule keeps every stage readable on its own (no stage needs to know a later one) and
//! makes the place of new code obvious: a type used by several stages lives in the lowest of
//! them. The test below reads every `crate::`, `super::` and `self::` path of `src/` (`use`
//! lines and paths inside code alike) and fails on an import of a higher rank or a cycle between
//! files, naming the file and line; docs/architecture.md draws the same graph.

/// The top-level modules by rank. Modules of one rank sit beside each other and do not import
/// each other. `pipeline` runs the stages in order; `lib`, the crate root, names the modules and
/// re-exports the pipeline's entry points.
pub const RANKS: &[(&str, u8)] = &[
    ("diagnostics", 0),
    // Opens files without following links: used by every stage that writes, and by the loader.
    ("no_follow", 0),
    ("model", 1),
    // Beside load: text utilities and the file schemas, which read only the model.
    ("minify", 2),
    ("default_theme", 2),
    ("schema", 2),
    ("load", 2),
    // The Thunderbird autoconfig (ISPDB) vocabulary, read by import and written by outputs.
    ("ispdb", 2),
    // Beside load: other formats into content files, and new content files.
    ("import", 3),
    ("scaffold", 3),
    ("plan", 4),
    // Asks the servers and links of the model over the network; its findings join check's.
    ("live", 4),
    ("check", 5),
    ("render", 6),
    ("outputs", 7),
    ("write", 8),
    ("lib", 9),
    ("pipeline", 9),
    ("ranks", 9),
    // Runs fuzz inputs through the stages and the pipeline (fuzz/, and the corpus replay).
    ("fuzzing", 10),
    ("serve", 10),
    ("commands", 11),
];

/// The rank of a top-level module, `None` for one the table does not list.
pub fn rank(module: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::rank;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// One import: the file and line it is written on, and the module path it names.
    #[derive(Debug, Clone)]
    struct Import {
        file: String,
        line: usize,
        target: Vec<String>,
        /// Written in an inline module (the tests at the end of a file).
        inline: bool,
    }

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    /// Every `.rs` file of `src/` but main.rs (which names the library as `mailguide::`), by
    /// path relative to `src/`.
    fn files() -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(src())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
            .map(|e| crate::load::relative(&src(), e.path()))
            .filter(|f| f != "main.rs")
            .collect();
        out.sort();
        out
    }

    /// The module path of a file: `check/prose/judge.rs` is `check::prose::judge`, `lib.rs` is
    /// the crate root.
    fn module_of(file: &str) -> Vec<String> {
        let stem = file.trim_end_matches(".rs");
        let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
            parts.pop();
        }
        parts
    }

    /// The file that holds a module path, walking down as far as files exist: a path that goes
    /// on into items (`crate::plan::prose::Prose`) ends at the module's file.
    fn file_of(module: &[String], files: &BTreeSet<String>) -> String {
        let mut best = "lib.rs".to_string();
        for len in 1..=module.len() {
            let dir = module[..len].join("/");
            let found = [format!("{dir}.rs"), format!("{dir}/mod.rs")]
                .into_iter()
                .find(|f| files.contains(f));
            match found {
                Some(f) => best = f,
                None => break,
            }
        }
        best
    }

    /// The paths a line names after `crate::`, `super::` or `self::`, as written (braces
    /// expanded one level: `crate::plan::{PageId, files::OutputFile}` is two paths).
    fn paths_in(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let bytes = line.as_bytes();
        for start in ["crate::", "super::", "self::"] {
            let mut from = 0;
            while let Some(i) = line[from..].find(start) {
                let at = from + i;
                from = at + start.len();
                // `mailguide::crate::` does not exist; `my_self::` is not `self::`.
                if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                    continue;
                }
                let rest = &line[at..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(rest.len());
                let head = rest[..end].trim_end_matches(':');
                if rest[end..].starts_with('{') && rest[..end].ends_with("::") {
                    let inner = &rest[end + 1..];
                    let close = inner.find('}').unwrap_or(inner.len());
                    for item in inner[..close].split(',') {
                        let item = item.trim();
                        let name: String = item
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                            .collect();
                        if !name.is_empty() && name != "self" {
                            out.push(format!("{head}::{}", name.trim_end_matches(':')));
                        } else {
                            out.push(head.to_string());
                        }
                    }
                } else {
                    out.push(head.to_string());
                }
            }
        }
        out
    }

    /// A line with the contents of its string literals taken out: a message or a test's input
    /// that spells a path does not import it.
    fn without_strings(line: &str) -> String {
        let mut out = String::with_capacity(line.len());
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        in_string = false;
                        out.push(c);
                    }
                    _ => {}
                }
            } else {
                in_string = c == '"';
                out.push(c);
            }
        }
        out
    }

    /// A written path resolved against the module it is written in. Code after an inline
    /// `mod name {` (the tests at the end of a file) sits one module deeper.
    fn resolve(path: &str, module: &[String], inline: bool) -> Vec<String> {
        let mut segs: Vec<&str> = path.split("::").collect();
        let mut here: Vec<String> = module.to_vec();
        if inline {
            here.push("<inline>".into());
        }
        match segs.first() {
            Some(&"crate") => {
                segs.remove(0);
                here.clear();
            }
            Some(&"self") => {
                segs.remove(0);
            }
            _ => {
                while segs.first() == Some(&"super") {
                    segs.remove(0);
                    here.pop();
                }
            }
        }
        here.retain(|s| s != "<inline>");
        here.extend(segs.iter().map(|s| s.to_string()));
        here
    }

    fn imports() -> (Vec<Import>, BTreeSet<String>) {
        let files = files();
        let set: BTreeSet<String> = files.iter().cloned().collect();
        let mut out = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(src().join(file)).expect("a source file of the crate reads");
            let module = module_of(file);
            let mut inline = false;
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                if (code.starts_with("mod ") || code.starts_with("pub mod ")) && code.ends_with('{') {
                    inline = true;
                }
                for path in paths_in(&without_strings(code)) {
                    out.push(Import {
                        file: file.clone(),
                        line: i + 1,
                        target: resolve(&path, &module, inline),
                        inline,
                    });
                }
            }
        }
        (out, set)
    }

    /// The top-level module a module path belongs to; the crate root's own items are `lib`.
    fn top(module: &[String], files: &BTreeSet<String>) -> String {
        match module.first() {
            Some(first) if files.contains(&format!("{first}.rs")) || files.contains(&format!("{first}/mod.rs")) => {
                first.clone()
            }
            _ => "lib".into(),
        }
    }

    #[test]
    fn no_module_imports_a_higher_rank() {
        let (imports, files) = imports();
        assert!(imports.len() > 100, "the crate's imports were read: {}", imports.len());
        let mut wrong = Vec::new();
        for import in &imports {
            let from = top(&module_of(&import.file), &files);
            let to = top(&import.target, &files);
            if from == to {
                continue;
            }
            let (Some(a), Some(b)) = (rank(&from), rank(&to)) else {
                wrong.push(format!(
                    "src/{}:{}: `{from}` or `{to}` has no rank in src/ranks.rs",
                    import.file, import.line
                ));
                continue;
            };
            if b >= a {
                wrong.push(format!(
                    "src/{}:{}: {from} (rank {a}) imports {} ({to}, rank {b}); a module imports only lower ranks",
                    import.file,
                    import.line,
                    import.target.join("::")
                ));
            }
        }
        assert!(wrong.is_empty(), "imports against the ranks:\n{}", wrong.join("\n"));
    }

    #[test]
    fn no_files_import_each_other_in_a_circle() {
        let (imports, files) = imports();
        // file -> (imported file -> the first line that imports it)
        let mut edges: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        // A file's own tests may use its siblings: they are not part of the module graph a
        // build compiles, so they close no circle.
        for import in imports.iter().filter(|i| !i.inline) {
            let to = file_of(&import.target, &files);
            if to != import.file {
                edges
                    .entry(import.file.clone())
                    .or_default()
                    .entry(to)
                    .or_insert(import.line);
            }
        }
        let mut cycles = Vec::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        for start in files.iter() {
            let mut path: Vec<String> = Vec::new();
            find_cycle(start, &edges, &mut path, &mut done, &mut cycles);
        }
        assert!(
            cycles.is_empty(),
            "files that import each other in a circle:\n{}",
            cycles.join("\n")
        );
    }

    /// Depth-first search from `at`; a file met again on the current path closes a cycle, which
    /// is described edge by edge with the line of each import.
    fn find_cycle(
        at: &str,
        edges: &BTreeMap<String, BTreeMap<String, usize>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|f| f == at) {
            let ring: Vec<String> = path[i..]
                .iter()
                .enumerate()
                .map(|(k, f)| {
                    let next = path.get(i + k + 1).map(String::as_str).unwrap_or(at);
                    format!("src/{f}:{} imports src/{next}", edges[f][next])
                })
                .collect();
            cycles.push(ring.join(", "));
            return;
        }
        if done.contains(at) {
            return;
        }
        path.push(at.to_string());
        for next in edges.get(at).into_iter().flat_map(|e| e.keys()) {
            find_cycle(next, edges, path, done, cycles);
        }
        path.pop();
        done.insert(at.to_string());
    }

    #[test]
    fn paths_are_read_from_use_lines_and_code() {
        assert_eq!(
            paths_in("use crate::plan::{PageId, files::OutputFile};"),
            vec!["crate::plan::PageId", "crate::plan::files::OutputFile"]
        );
        assert_eq!(
            paths_in("let x = crate::render::plan(site);"),
            vec!["crate::render::plan"]
        );
        assert_eq!(
            paths_in("use super::super::scan::scan;"),
            vec!["super::super::scan::scan"]
        );
        let module = module_of("check/prose/judge.rs");
        assert_eq!(resolve("super::super::scan", &module, false), vec!["check", "scan"]);
        assert_eq!(
            resolve("super::scan", &module, true),
            vec!["check", "prose", "judge", "scan"]
        );
        assert_eq!(module_of("lib.rs"), Vec::<String>::new());
        assert!(paths_in(&without_strings("let m = \"crate::serve is later\";")).is_empty());
    }
}
