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
        /// The site's public address, for canonical links and the sitemap.
        #[arg(long)]
        base_url: Option<String>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Judge source dates as on this day (YYYY-MM-DD) [default: the system date].
        #[arg(long, value_parser = parse_date)]
        today: Option<mailguide::model::Date>,
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
        /// Judge source dates as on this day (YYYY-MM-DD) [default: the system date].
        #[arg(long, value_parser = parse_date)]
        today: Option<mailguide::model::Date>,
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
        /// The day the files were taken from the ISPDB (YYYY-MM-DD), recorded as the source's
        /// check date.
        #[arg(long, value_parser = parse_date)]
        checked: Option<mailguide::model::Date>,
    },
}

fn parse_date(text: &str) -> Result<mailguide::model::Date, String> {
    mailguide::model::Date::parse(text).ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            deny_warnings,
            today,
            format,
        } => {
            let opts = mailguide::BuildOptions {
                root,
                output,
                base_url,
                deny_warnings,
                today,
            };
            commands::build::run(&opts, format.into())
        }
        Command::Check {
            root,
            format,
            deny_warnings,
            today,
        } => commands::check::run(&root, format.into(), deny_warnings, today),
        Command::Serve { root, port, bind, open } => {
            commands::serve::run(&commands::serve::ServeOptions { root, port, bind, open })
        }
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
            source:
                ImportSource::Ispdb {
                    paths,
                    root,
                    force,
                    checked,
                },
        } => commands::import::ispdb(
            &paths,
            &mailguide::import::ispdb::ImportOptions { root, force, checked },
        ),
    };
    ExitCode::from(code as u8)
}
