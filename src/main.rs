//! The `mailguide` command line: parses arguments and hands them to the library.

use clap::{Parser, Subcommand, ValueEnum};
use mailguide::commands::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

/// A build allocates many short-lived strings on every thread (template values, page text);
/// mimalloc's per-thread free lists make that about a fifth cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "mailguide",
    version,
    about = "Build email-setup help sites from settings data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKindArg {
    /// content/providers/NAME.yaml
    Provider,
    /// content/clients/NAME.yaml and its guide NAME.md
    Client,
}

#[derive(Subcommand)]
enum Command {
    /// Check the content and build the site into the output folder.
    Build {
        /// The site's folder (holds site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The site's public address, for canonical links and the sitemap (http or https).
        #[arg(long, value_parser = http_base_url)]
        base_url: Option<String>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// How to report findings.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
    },
    /// Run every check on the content; write nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build the site into memory and serve it; rebuild on every change and reload the browser.
    Serve {
        /// The site's folder (holds site.yaml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port [default: 1111, or the next free one]; 0 picks any free port.
        #[arg(long)]
        port: Option<u16>,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// A host name requests may use besides localhost and the bound address (e.g. the
        /// machine's name on the network, to preview from a phone); may be given several times.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Create a new site in DIR (an empty or new folder), with example content and the default theme.
    Init {
        /// The folder to create the site in.
        dir: PathBuf,
    },
    /// Create a content file from a commented template.
    New {
        #[arg(value_enum)]
        kind: NewKindArg,
        /// The slug: lowercase letters, digits and `-` (the file name, e.g. `example-mail`).
        name: String,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write JSON Schemas of every kind of content file, for editors' YAML support.
    Schema {
        /// Where to write them [default: <root>/schemas].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Import provider settings from another format into content/providers/.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// Thunderbird autoconfig files (the ISPDB format, clientConfig 1.1): files or folders of them.
    Ispdb {
        /// Autoconfig XML files, or folders searched for *.xml.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The site's folder; providers are written to <root>/content/providers/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Replace provider files that already exist.
        #[arg(long)]
        force: bool,
    },
}

/// `--base-url` goes into canonical links, the sitemap and the profiles' identifiers: only an
/// http(s) address, so `javascript:alert(1)` stops at the command line (exit 2).
fn http_base_url(value: &str) -> Result<String, String> {
    if mailguide::check::urls::base_url_ok(value) {
        Ok(value.to_string())
    } else {
        Err("the base URL must be an http or https address, such as https://mail-help.example.org".into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            deny_warnings,
            format,
        } => {
            let opts = mailguide::BuildOptions {
                root,
                output,
                base_url,
                deny_warnings,
            };
            commands::build::run(&opts, format.into())
        }
        Command::Check {
            root,
            format,
            deny_warnings,
        } => commands::check::run(&root, format.into(), deny_warnings),
        Command::Serve {
            root,
            port,
            bind,
            open,
            allow_host,
        } => commands::serve::run(&commands::serve::ServeOptions {
            root,
            port,
            bind,
            open,
            allow_hosts: allow_host,
        }),
        Command::Init { dir } => commands::init::run(&dir),
        Command::New { kind, name, root } => {
            let kind = match kind {
                NewKindArg::Provider => mailguide::scaffold::NewKind::Provider,
                NewKindArg::Client => mailguide::scaffold::NewKind::Client,
            };
            commands::new::run(&root, kind, &name)
        }
        Command::Schema { output, root } => commands::schema::run(&output.unwrap_or_else(|| root.join("schemas"))),
        Command::Import {
            source: ImportSource::Ispdb { paths, root, force },
        } => commands::import::ispdb(&paths, &mailguide::import::ispdb::ImportOptions { root, force }),
    };
    ExitCode::from(code as u8)
}
