//! The `geoevents` binary: argument parsing, printing and exit codes. All the
//! work is done by the library.

mod cli;

use std::io;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => report(&error),
    }
}

/// Prints each error on its own line behind the fixed prefix. A closed pipe
/// (`geoevents geocode … | head -1`) is not a failure.
fn report(error: &geoevents::Error) -> ExitCode {
    if let geoevents::Error::Io { source, .. } = error {
        if source.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    for each in error.each() {
        eprintln!("geoevents: error: {each}");
    }
    ExitCode::from(cli::EXIT_FAILURE)
}
