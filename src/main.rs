//! docspace-guest: approve and remove guest users of an ONLYOFFICE DocSpace portal.
//! See README.md; `docspace-guest --help` lists commands, options and exit codes.

use std::io::Write;

use docspace_guest::error::Error;
use docspace_guest::{cli, commands};

fn main() {
    // A panic's message may quote what a portal sent: it is written as every other
    // line is, made inert for the terminal and with the key masked.
    std::panic::set_hook(Box::new(|info| {
        docspace_guest::notice(&format!("internal error (please report it): {info}"));
    }));
    let code = match run() {
        Ok(()) => 0,
        Err(Error::OutputClosed) => 0,
        Err(err) => {
            docspace_guest::notice(&err.to_string());
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
        cli::Parsed::Run(command, options) => commands::execute(command, *options),
    }
}
