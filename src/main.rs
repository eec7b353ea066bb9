//! The `mailguide` command line: parses arguments and hands them to the library.

use clap::{Parser, Subcommand, ValueEnum};
use mailguide::commands::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

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
    };
    ExitCode::from(code as u8)
}
