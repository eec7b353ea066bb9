//! The `mailguide` command line: parses arguments and hands them to the library.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
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
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The site's public address, for canonical links and the sitemap (http or https).
        #[arg(short = 'u', long, value_parser = http_base_url)]
        base_url: Option<String>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Judge source dates as on this day (YYYY-MM-DD) [default: the system date].
        #[arg(long, value_parser = parse_date)]
        today: Option<mailguide::model::Date>,
        /// How to report findings (JSON also carries the page count, the time and the changed pages).
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        /// List the pages that differ from the output the build replaces.
        #[arg(short, long)]
        verbose: bool,
        /// Build the drafts too (`draft: true`), each page with a "Draft" banner; they are
        /// never in the sitemap or the search index.
        #[arg(long)]
        drafts: bool,
        /// The results of `check --live --save-results`: servers that disagreed withdraw their
        /// provider's client files; providers whose servers agreed show the date.
        #[arg(long, value_name = "FILE")]
        live_results: Option<PathBuf>,
    },
    /// Run every check on the content; write nothing.
    Check {
        /// The site's folder (holds site.yaml and content/).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        #[arg(long)]
        deny_warnings: bool,
        #[command(flatten)]
        live: LiveArgs,
        /// Judge source dates as on this day (YYYY-MM-DD) [default: the system date].
        #[arg(long, value_parser = parse_date)]
        today: Option<mailguide::model::Date>,
    },
    /// Build the site into memory and serve it; rebuild on every change and reload the browser.
    Serve {
        /// The site's folder (holds site.yaml and content/).
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
        /// The port [default: 1111, or the next free one]; 0 picks any free port.
        #[arg(short, long)]
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
        /// The folder to create the site in [default: the current folder, if empty; dot files
        /// such as .git do not count].
        dir: Option<PathBuf>,
        /// Copy the default theme into themes/default/ (it then no longer follows upgrades);
        /// without it the site uses the theme built into mailguide.
        #[arg(long)]
        theme_copy: bool,
    },
    /// Create a content file from a commented template.
    New {
        #[arg(value_enum)]
        kind: NewKindArg,
        /// The display name ("Example Hosting", file example-hosting.yaml) or the slug
        /// (lowercase letters, digits and `-`: the file name).
        name: String,
        /// The site's folder.
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
    },
    /// Write JSON Schemas of every kind of content file, for editors' YAML support.
    Schema {
        /// Where to write them [default: <root>/schemas].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The site's folder.
        #[arg(short, long, default_value = ".")]
        root: PathBuf,
    },
    /// Import provider settings from another format into content/providers/.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Print the shell completion script: `mailguide completions bash > ~/.local/share/bash-completion/completions/mailguide`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `check --live`: ask the servers in the data (never part of a plain check).
#[derive(clap::Args)]
struct LiveArgs {
    /// Connect to every server, domain and link in the data and report where they disagree.
    #[arg(long)]
    live: bool,
    /// Only these providers (slugs, comma-separated).
    #[arg(long, value_delimiter = ',', requires = "live")]
    providers: Vec<String>,
    /// HOST:PORT=ADDR:PORT: reach that host and port at that address, without DNS (repeatable).
    #[arg(long, value_name = "HOST:PORT=ADDR:PORT", requires = "live")]
    connect_to: Vec<mailguide::live::ConnectTo>,
    /// The name server for every lookup (SRV included) instead of the system's.
    #[arg(long, value_name = "ADDR:PORT", requires = "live")]
    dns_server: Option<std::net::SocketAddr>,
    /// Trust the certificates in this PEM file instead of Mozilla's roots.
    #[arg(long, value_name = "FILE", requires = "live")]
    ca_file: Option<PathBuf>,
    /// Write what each server showed to FILE (versioned JSON), for `build --live-results`.
    #[arg(long, value_name = "FILE", requires = "live")]
    save_results: Option<PathBuf>,
    /// Hosts checked at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..), requires = "live")]
    concurrency: u16,
    /// Seconds per connection.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), requires = "live")]
    timeout: u64,
    /// Seconds for the whole run; what is left after it is "not checked".
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..), requires = "live")]
    deadline: u64,
    /// Least milliseconds between two HTTP requests to the same host.
    #[arg(long, value_name = "MS", default_value_t = 1000, requires = "live")]
    http_interval: u64,
    /// Warn when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30, requires = "live")]
    expiry_warning: u32,
    /// For hosts written as `mail.{domain}`: check the hosts of the first N listed domains only
    /// (default: every listed domain's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), requires = "live")]
    template_domains: Option<u32>,
    /// Do not check links.
    #[arg(long, requires = "live")]
    no_links: bool,
}

impl LiveArgs {
    fn into_live(self) -> Option<commands::check::Live> {
        use std::io::IsTerminal;
        self.live.then(|| commands::check::Live {
            options: mailguide::live::LiveOptions {
                providers: self.providers,
                connect_to: self.connect_to,
                dns_server: self.dns_server,
                ca_file: self.ca_file,
                concurrency: usize::from(self.concurrency),
                timeout: std::time::Duration::from_secs(self.timeout),
                deadline: std::time::Duration::from_secs(self.deadline),
                http_interval: std::time::Duration::from_millis(self.http_interval),
                expiry_warning_days: i64::from(self.expiry_warning),
                template_domains: self.template_domains.map(|n| n as usize),
                links: !self.no_links,
                progress: std::io::stderr().is_terminal(),
            },
            save_results: self.save_results,
        })
    }
}

#[derive(Subcommand)]
enum ImportSource {
    /// Thunderbird autoconfig files (the ISPDB format, clientConfig 1.1): files or folders of them.
    Ispdb {
        /// Autoconfig XML files, or folders searched for *.xml.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The site's folder; providers are written to <root>/content/providers/.
        #[arg(short, long, default_value = ".")]
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
            today,
            format,
            verbose,
            drafts,
            live_results,
        } => {
            let format = format.into();
            let opts = mailguide::BuildOptions {
                root,
                output,
                base_url,
                deny_warnings,
                list_changes: verbose || format == Format::Json,
                today,
                drafts,
            };
            commands::build::run(&opts, format, verbose, live_results.as_deref())
        }
        Command::Check {
            root,
            format,
            deny_warnings,
            live,
            today,
        } => commands::check::run(&root, format.into(), deny_warnings, live.into_live().as_ref(), today),
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
        Command::Init { dir, theme_copy } => commands::init::run(dir.as_deref(), theme_copy),
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
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "mailguide", &mut std::io::stdout());
            commands::EXIT_OK
        }
    };
    ExitCode::from(code as u8)
}
