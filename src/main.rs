//! docspace-guest: approve and remove guest users of an ONLYOFFICE DocSpace portal.
//! See README.md; `docspace-guest --help` lists commands, options and exit codes.

mod answers;
mod api;
mod cli;
mod commands;
mod config;
mod delete;
mod error;
mod html;
mod input;
mod link;
mod list;
mod output;
mod proxy;
mod retry;
mod tls;
mod url;

use std::io::Write;

use error::Error;

fn main() {
    let code = match run() {
        Ok(()) => 0,
        Err(Error::OutputClosed) => 0,
        Err(err) => {
            eprintln!("docspace-guest: {err}");
            err.exit_code()
        }
    };
    std::process::exit(code);
}

fn run() -> Result<(), Error> {
    match cli::parse(std::env::args_os().skip(1))? {
        cli::Parsed::Print(text) => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(())
        }
        cli::Parsed::Run(command, options) => commands::execute(command, options),
    }
}
