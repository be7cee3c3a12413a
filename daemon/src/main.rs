//! The `inkan` binary: parse, set up logging, dispatch, exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    inkan::omp::ensure_single_threaded_openmp();
    let cli = inkan::cli::Cli::parse();
    inkan::logging::init(matches!(cli.command, inkan::cli::Command::Run));
    match inkan::app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("inkan: {e}");
            e.exit_code()
        }
    }
}
