//! Images in the prose, built as a reader gets them: the minimal fixture's content with the
//! built-in theme, a client guide showing an SVG beside it and a 2000-pixel PNG made here, a
//! provider's own image in its steps for the client, and a page showing a file of `static/`.

use crate::common::{build, copy_tree, page, repo, sel};
use std::path::Path;

/// A drawing 320 x 180, with nothing a browser would run.
const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 180"><rect width="320" height="180" fill="#f4f6f9"/><text x="20" y="40">Accounts</text></svg>"##;

/// The fixture site, written into a temporary folder.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_tree(&repo().join("tests/sites/minimal/content"), &root.join("content"));
    let yaml = std::fs::read_to_string(repo().join("tests/sites/minimal/site.yaml")).expect("site.yaml");
    std::fs::write(root.join("site.yaml"), yaml.replace("theme: plain\n", "")).expect("site.yaml");
    // A second provider, whose guide must not show the first one's own image.
    let example = std::fs::read_to_string(root.join("content/providers/example.yaml")).expect("provider");
    std::fs::write(
        root.join("content/providers/other.yaml"),
        example
            .replace("Example Mail", "Other Mail")
            .replace("short_name: Example", "short_name: Other")
            .replace("example.com", "other.test")
            .replace("example.org", "other.example"),
    )
    .expect("second provider");
    let clients = root.join("content/clients");
    std::fs::write(clients.join("accounts.svg"), SVG).expect("svg");
    large_png(2000, 1000).save(clients.join("settings.png")).expect("png");
    let guide = std::fs::read_to_string(clients.join("simplemail.md")).expect("guide");
    let guide = guide.replace(
        "## Add the account\n",
        "## Add the account\n\n![The Accounts window with its Add button](accounts.svg)\n\n\
         ![The server settings: server name, port and encryption](settings.png)\n",
    );
    std::fs::write(clients.join("simplemail.md"), guide).expect("guide");
    let own = root.join("content/providers/example");
    std::fs::write(own.join("sign-in.svg"), SVG.replace("Accounts", "Example sign-in")).expect("svg");
    let steps = std::fs::read_to_string(own.join("simplemail.md")).expect("steps");
    std::fs::write(
        own.join("simplemail.md"),
        format!("{steps}\n![Example Mail's sign-in window]({})\n", "sign-in.svg"),
    )
    .expect("steps");
    let statics = root.join("static/img");
    std::fs::create_dir_all(&statics).expect("static");
    large_png(64, 32).save(statics.join("logo.png")).expect("png");
    let about = root.join("content/pages/about.md");
    let text = std::fs::read_to_string(&about).expect("page");
    std::fs::write(&about, format!("{text}\n![The site's logo](/static/img/logo.png)\n")).expect("page");
    dir
}

/// A PNG of a smooth gradient (so it compresses and resizes like a screenshot's flat areas).
fn large_png(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 160])
    })
}

/// Builds `root` into `root/public` with a JSON report; panics with the report if it fails.
fn built(root: &Path) -> serde_json::Value {
    let out = root.join("public");
    let o = build(root, &out, &["--format", "json", "--today", crate::common::TODAY]);
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "build: {report}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&report).expect("JSON report")
}

/// The `<img>` elements of a page's main content, in order.
fn images(out: &Path, rel: &str) -> Vec<std::collections::HashMap<String, String>> {
    let doc = page(out, rel);
    doc.select(&sel("main img"))
        .map(|img| {
            img.value()
                .attrs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The file a site address names in the output.
fn file(out: &Path, url: &str) -> std::path::PathBuf {
    out.join(url.trim_start_matches('/'))
}

#[test]
fn an_image_beside_the_guide_is_published_fingerprinted_with_its_size() {
    let site = site();
    built(site.path());
    let out = site.path().join("public");
    let imgs = images(&out, "example/simplemail/index.html");
    let svg = &imgs[0];
    let src = &svg["src"];
    assert!(
        src.starts_with("/static/img/accounts.")
            && src.ends_with(".svg")
            && src.len() == "/static/img/accounts.0123456789.svg".len(),
        "{svg:?}"
    );
    assert_eq!(
        std::fs::read_to_string(file(&out, src)).expect("the published SVG"),
        SVG
    );
    assert_eq!((svg["width"].as_str(), svg["height"].as_str()), ("320", "180"));
    assert_eq!(svg["alt"], "The Accounts window with its Add button");
    // The other provider's guide shows the client's images too, from the same file.
    assert_eq!(images(&out, "other/simplemail/index.html")[0]["src"], *src);
}

#[test]
fn only_the_first_image_of_the_main_content_loads_lazily_not() {
    let site = site();
    built(site.path());
    let imgs = images(&site.path().join("public"), "example/simplemail/index.html");
    assert!(imgs.len() >= 2, "{imgs:?}");
    assert!(
        !imgs[0].contains_key("loading") && !imgs[0].contains_key("decoding"),
        "the first image loads at once: {:?}",
        imgs[0]
    );
    for img in &imgs[1..] {
        assert_eq!(img.get("loading").map(String::as_str), Some("lazy"), "{img:?}");
        assert_eq!(img.get("decoding").map(String::as_str), Some("async"), "{img:?}");
    }
}

#[test]
fn a_large_png_gets_smaller_copies_and_webp() {
    let site = site();
    built(site.path());
    let out = site.path().join("public");
    let doc = page(&out, "example/simplemail/index.html");
    let picture = doc
        .select(&sel("main picture"))
        .next()
        .expect("a <picture> for the large PNG");
    let source = picture.select(&sel("source")).next().expect("a <source>");
    assert_eq!(source.value().attr("type"), Some("image/webp"));
    let img = picture.select(&sel("img")).next().expect("an <img>");
    let src = img.value().attr("src").expect("src");
    assert!(
        src.starts_with("/static/img/settings.") && src.ends_with(".png"),
        "{src}"
    );
    assert_eq!(
        (img.value().attr("width"), img.value().attr("height")),
        (Some("2000"), Some("1000"))
    );
    let stem = src.trim_end_matches(".png");
    let webp: Vec<String> = [400, 800, 1600, 2000]
        .iter()
        .map(|w| format!("{stem}-{w}.webp {w}w"))
        .collect();
    assert_eq!(source.value().attr("srcset"), Some(webp.join(", ").as_str()));
    let mut png: Vec<String> = [400, 800, 1600]
        .iter()
        .map(|w| format!("{stem}-{w}.png {w}w"))
        .collect();
    png.push(format!("{src} 2000w"));
    assert_eq!(img.value().attr("srcset"), Some(png.join(", ").as_str()));
    assert!(img.value().attr("sizes").is_some() && source.value().attr("sizes").is_some());
    // Every copy is there, at its width and in proportion.
    for (w, ext) in [
        (400, "png"),
        (800, "png"),
        (1600, "png"),
        (400, "webp"),
        (800, "webp"),
        (1600, "webp"),
        (2000, "webp"),
    ] {
        let path = file(&out, &format!("{stem}-{w}.{ext}"));
        let copy = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!((copy.width(), copy.height()), (w, w / 2), "{}", path.display());
    }
    let webp = std::fs::read(file(&out, &format!("{stem}-800.webp"))).expect("webp");
    assert_eq!(&webp[8..12], b"WEBP");
}

#[test]
fn a_second_build_takes_the_copies_from_the_cache() {
    let site = site();
    let first = built(site.path());
    assert_eq!(
        first["build"]["image_copies"],
        serde_json::json!({"made": 7, "reused": 0}),
        "{first}"
    );
    let cache = site.path().join(".mailguide-cache/images");
    let times = || -> Vec<(String, std::time::SystemTime)> {
        let mut kept: Vec<_> = std::fs::read_dir(&cache)
            .expect("the cache folder")
            .map(|e| {
                let e = e.expect("entry");
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().and_then(|m| m.modified()).expect("mtime"),
                )
            })
            .collect();
        kept.sort();
        kept
    };
    let before = times();
    assert_eq!(before.len(), 7, "{before:?}");
    let out = site.path().join("public");
    let copy = |rel: &str| std::fs::read(out.join(rel)).expect("a copy");
    let stem = images(&out, "example/simplemail/index.html")[1]["src"]
        .trim_start_matches('/')
        .trim_end_matches(".png")
        .to_string();
    let made = copy(&format!("{stem}-800.webp"));
    let second = built(site.path());
    assert_eq!(
        second["build"]["image_copies"],
        serde_json::json!({"made": 0, "reused": 7}),
        "{second}"
    );
    assert_eq!(times(), before, "the kept copies were read, not written again");
    assert_eq!(copy(&format!("{stem}-800.webp")), made);
    // A changed source is a new image: new copies, under a new name.
    large_png(1200, 600)
        .save(site.path().join("content/clients/settings.png"))
        .expect("png");
    let third = built(site.path());
    assert_eq!(
        third["build"]["image_copies"],
        serde_json::json!({"made": 5, "reused": 0}),
        "{third}"
    );
}

#[test]
fn a_provider_shows_its_own_image_in_its_steps_for_the_client() {
    let site = site();
    built(site.path());
    let out = site.path().join("public");
    let own = |rel: &str| -> Vec<String> {
        images(&out, rel)
            .into_iter()
            .filter(|i| i["src"].starts_with("/static/img/sign-in."))
            .map(|i| i["alt"].clone())
            .collect()
    };
    // Markdown's smart punctuation applies to alt text as to any text.
    assert_eq!(
        own("example/simplemail/index.html"),
        vec!["Example Mail’s sign-in window"]
    );
    assert!(own("other/simplemail/index.html").is_empty());
}

#[test]
fn an_image_of_the_static_folder_is_the_published_asset() {
    let site = site();
    built(site.path());
    let out = site.path().join("public");
    let imgs = images(&out, "about/index.html");
    let logo = imgs.last().expect("the logo");
    assert!(
        logo["src"].starts_with("/static/img/logo.") && logo["src"].ends_with(".png"),
        "{logo:?}"
    );
    assert_eq!(
        std::fs::read(file(&out, &logo["src"])).expect("published by the theme's assets"),
        std::fs::read(site.path().join("static/img/logo.png")).expect("source")
    );
    assert_eq!((logo["width"].as_str(), logo["height"].as_str()), ("64", "32"));
}

#[test]
fn check_reports_image_faults_without_writing_the_cache() {
    let site = site();
    let guide = site.path().join("content/clients/simplemail.md");
    let text = std::fs::read_to_string(&guide).expect("guide");
    std::fs::write(&guide, text.replace("](settings.png)", "](setings.png)")).expect("guide");
    let o = crate::common::mailguide(&[
        "check",
        "--root",
        site.path().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let found: Vec<_> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "image-missing")
        .collect();
    assert_eq!(found.len(), 1, "{report}");
    let line = text
        .lines()
        .position(|l| l.contains("](settings.png)"))
        .expect("the line")
        + 1;
    assert_eq!(found[0]["file"], "content/clients/simplemail.md");
    assert_eq!(found[0]["line"], line);
    let at = text
        .lines()
        .nth(line - 1)
        .expect("line")
        .find("](settings.png)")
        .expect("column");
    assert_eq!(found[0]["column"], at + 3, "at the file name");
    assert!(
        found[0]["help"].as_str().is_some_and(|h| h.contains("settings.png")),
        "{report}"
    );
    assert!(!site.path().join(".mailguide-cache").exists());
}
