//! The `tasdiq` binary: parses the command line and hands over to `tasdiq::cli`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = tasdiq::cli::Cli::parse();
    tasdiq::cli::run(cli)
}
