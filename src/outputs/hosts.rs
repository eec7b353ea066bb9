//! Host configuration: the response headers the site's files need, written for the hosts the
//! site names in `deploy:` (site.yaml). A plain static server guesses a file's type from its
//! extension, and knows neither `.mobileconfig` (it sends `application/octet-stream`, which iOS
//! will not install) nor that a fingerprinted asset never changes. So `build` writes:
//!
//! - `_headers` (Netlify, Cloudflare Pages): the site's own `root/_headers` first, then one rule
//!   per Apple profile and fingerprinted asset, and placeholder rules for the autoconfig files;
//! - `.mailguide-nginx.conf` (nginx): `location` blocks to `include` in the server block;
//! - `.htaccess` (Apache httpd);
//! - `.nojekyll` always: without it GitHub Pages runs Jekyll, which drops `_headers` and every
//!   file or folder whose name starts with `_` or `.` (`.well-known/`).
//!
//! The nginx and Apache files deny every dot file but `.well-known/`: the manifest and the
//! configurations themselves are for the machine that serves the site, not for its readers.
//! docs/deploy.md says what each host can and cannot do.

use crate::model::Host;
use crate::plan::files::OutputFile;

/// The nginx snippet's name in the output.
pub const NGINX: &str = ".mailguide-nginx.conf";
/// The Apache configuration's name in the output.
pub const HTACCESS: &str = ".htaccess";
/// Netlify's and Cloudflare Pages' header rules.
pub const HEADERS: &str = "_headers";

pub const PROFILE_TYPE: &str = "application/x-apple-aspen-config";
pub const AUTOCONFIG_TYPE: &str = "text/xml; charset=utf-8";
/// For a file whose name changes with its content: any copy is right for ever.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// What the host configuration describes: the files the build wrote that need a header.
#[derive(Debug, Default)]
pub struct Written {
    /// Apple configuration profiles, output paths.
    pub profiles: Vec<String>,
    /// Fingerprinted assets (`static/style.1a2b3c4d5e.css`), output paths.
    pub immutable: Vec<String>,
}

/// The host files for `deploy`, given what the build wrote and the site's own `_headers`.
pub fn files(deploy: &[Host], written: &Written, site_headers: Option<&[u8]>) -> Vec<OutputFile> {
    let mut out = vec![OutputFile::new(".nojekyll", Vec::new())];
    let wants = |h: Host| deploy.contains(&h);
    if wants(Host::Netlify) || wants(Host::Cloudflare) {
        let mut bytes = site_headers.map(<[u8]>::to_vec).unwrap_or_default();
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(headers(written).as_bytes());
        out.push(OutputFile::new(HEADERS, bytes));
    } else if let Some(own) = site_headers {
        // Not generated for these hosts, but the site asked for the file: publish it as it is.
        out.push(OutputFile::new(HEADERS, own.to_vec()));
    }
    if wants(Host::Nginx) {
        out.push(OutputFile::new(NGINX, nginx(written)));
    }
    if wants(Host::Apache) {
        out.push(OutputFile::new(HTACCESS, apache()));
    }
    out
}

/// Netlify and Cloudflare Pages rules. Both match `*` (the rest of the path) and `:name` (one
/// segment), not file extensions, so profiles and assets get one rule each. Cloudflare Pages
/// reads at most 100 rules: a site with more profiles than that needs another host for them.
fn headers(written: &Written) -> String {
    let mut out = String::from("# Written by mailguide build: the response headers of its client files and assets.\n");
    let mut rule = |path: &str, header: &str, value: &str| {
        out.push_str(&format!("/{path}\n  {header}: {value}\n"));
    };
    rule("autoconfig/*", "Content-Type", AUTOCONFIG_TYPE);
    rule(":provider/config-v1.1.xml", "Content-Type", AUTOCONFIG_TYPE);
    rule(".well-known/autoconfig/*", "Content-Type", AUTOCONFIG_TYPE);
    for p in &written.profiles {
        rule(p, "Content-Type", PROFILE_TYPE);
    }
    for a in &written.immutable {
        rule(a, "Cache-Control", IMMUTABLE);
    }
    out
}

/// `location` blocks for the `server` block whose `root` is the output folder. Regular
/// expressions are tried in order and the first match wins, so the dot-file rule comes first.
fn nginx(written: &Written) -> String {
    let mut out = format!(
        r#"# Written by mailguide build. In the server block whose root is this folder:
#     include /path/to/public/{NGINX};
# Dot files (the manifest, this file) are not served, except /.well-known/.
location ~ "/\.(?!well-known/)" {{
    return 404;
}}
location ~ "\.mobileconfig$" {{
    types {{ }}
    default_type {PROFILE_TYPE};
}}
location ~ "(^/autoconfig/|/config-v1\.1\.xml$)" {{
    types {{ }}
    default_type "{AUTOCONFIG_TYPE}";
}}
error_page 404 /404.html;
"#
    );
    for a in &written.immutable {
        out.push_str(&format!(
            "location = /{a} {{\n    add_header Cache-Control \"{IMMUTABLE}\";\n}}\n"
        ));
    }
    out
}

/// Apache httpd's per-folder configuration; needs `AllowOverride All` (or `FileInfo Indexes`)
/// for the folder, and mod_headers for the cache rule.
fn apache() -> String {
    format!(
        r#"# Written by mailguide build, for Apache httpd (AllowOverride FileInfo).
AddType {PROFILE_TYPE} .mobileconfig
<FilesMatch "^config-v1\.1\.xml$">
    ForceType "{AUTOCONFIG_TYPE}"
</FilesMatch>
# Dot files (the manifest) are not served, except /.well-known/.
RedirectMatch 404 "/\.(?!well-known/)"
<IfModule mod_headers.c>
    # Fingerprinted assets and image copies: the name changes with the content.
    <FilesMatch "\.[0-9a-f]{{10}}(-[0-9]+)?\.[A-Za-z0-9]+$">
        Header set Cache-Control "{IMMUTABLE}"
    </FilesMatch>
</IfModule>
ErrorDocument 404 /404.html
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written() -> Written {
        Written {
            profiles: vec!["icloud/icloud.mobileconfig".into()],
            immutable: vec!["static/style.0123456789.css".into()],
        }
    }

    fn file<'a>(files: &'a [OutputFile], path: &str) -> Option<&'a str> {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| std::str::from_utf8(&f.bytes).expect("host files are text"))
    }

    #[test]
    fn the_sites_own_headers_come_first() {
        let own = b"/*\n  X-Frame-Options: DENY";
        let files = files(&[Host::Netlify], &written(), Some(own));
        let headers = file(&files, HEADERS).expect("_headers for Netlify");
        assert!(
            headers.starts_with("/*\n  X-Frame-Options: DENY\n# Written by mailguide"),
            "{headers}"
        );
        assert!(headers.contains("/icloud/icloud.mobileconfig\n  Content-Type: application/x-apple-aspen-config\n"));
        assert!(
            headers.contains("/static/style.0123456789.css\n  Cache-Control: public, max-age=31536000, immutable\n")
        );
        assert!(file(&files, ".nojekyll").is_some());
        assert!(file(&files, NGINX).is_none() && file(&files, HTACCESS).is_none());
    }

    #[test]
    fn each_host_gets_its_file_only_when_asked() {
        let files = files(&[Host::Nginx, Host::Apache], &written(), None);
        assert!(file(&files, HEADERS).is_none());
        let nginx = file(&files, NGINX).expect("nginx snippet");
        assert!(nginx.contains("location = /static/style.0123456789.css {"));
        let deny = nginx
            .find(r#"location ~ "/\.(?!well-known/)""#)
            .expect("dot files denied");
        assert!(
            deny < nginx.find("mobileconfig").expect("profile rule"),
            "the deny rule must come first"
        );
        assert!(
            file(&files, HTACCESS)
                .expect(".htaccess")
                .contains("AddType application/x-apple-aspen-config .mobileconfig")
        );
        // A site's own `_headers` is published even where none is generated.
        let own = files_with_own();
        assert_eq!(file(&own, HEADERS), Some("/x\n  A: b\n"));
    }

    fn files_with_own() -> Vec<OutputFile> {
        files(&[Host::GithubPages], &Written::default(), Some(b"/x\n  A: b\n"))
    }
}
