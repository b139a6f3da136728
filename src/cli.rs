//! The command line: what the user asked for, checked for form. Nothing here reads the
//! environment or files, and nothing is sent; `config` and `commands` do that.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub const HELP: &str = "\
docspace-guest: approve and remove guest users of an ONLYOFFICE DocSpace portal

Usage: docspace-guest <COMMAND> [OPTIONS]

Commands:
  approve   Approve a guest who was shared with you through a guest sharing link
  delete    Remove guests from your guest list (the accounts stay)
  run       approve, then delete the approved guest (the example script's flow)
  help      Show the help of a command: docspace-guest help approve

Connection (every command):
      --url URL             Portal address, e.g. https://portal.example.com
                            [env: DOCSPACE_URL, or DOCSPACE_API_HOST]
      --api-key-file PATH   Read the API key or token from PATH ('-' = stdin)
                            [default: env DOCSPACE_API_KEY]
      --allow-http          Allow http:// to a host that is not loopback
      --timeout SECS        Give up on a request after SECS seconds [default: 30]

Output:
  -q, --quiet     Print only the result (the approved guest's id)
  -v, --verbose   Trace each request and response on stderr (credential redacted)
  -h, --help      Show this help (or a command's: docspace-guest approve --help)
  -V, --version   Show the version

The credential is never taken on the command line. An sk- API key or an OAuth
JWT is sent as 'Bearer <key>', a value that starts with 'Bearer ' or 'Basic '
as it is, anything else (a login token) raw. HTTPS_PROXY, HTTP_PROXY,
ALL_PROXY and NO_PROXY are honoured.

Exit codes:
  0  ok
  1  the server refused the request or answered unexpectedly
  2  usage or invalid input (nothing was sent)
  3  network, TLS or timeout
  4  authentication or permission refused (401/403)
  5  partly done (some items of a batch failed)
";

pub const APPROVE_HELP: &str = "\
docspace-guest approve: approve a guest who was shared with you through a link

Usage: docspace-guest approve --email EMAIL --link LINK [OPTIONS]

Another admin shares a guest with you by sending a guest sharing link. DocSpace
knows the guest by that link, not by the email: the link is required.

Options:
      --email EMAIL   The guest's email address (checked for form)
      --link LINK     The guest sharing link, in any of these forms:
                        https://portal.example.com/s/AbCdEfGhIjKlMnO   (short)
                        https://portal.example.com/confirm/GuestShareLink?type=GuestShareLink&key=...
                        type=GuestShareLink&key=...&encemail=...&uid=...
                      A short link is resolved without sending the credential.

Prints the status code, the raw answer, the guest's name and email and id.
With --quiet: only the guest's id. Connection options: docspace-guest --help.
";

pub const DELETE_HELP: &str = "\
docspace-guest delete: remove guests from your guest list

Usage: docspace-guest delete ID [ID...] [OPTIONS]

IDs are the guests' user ids (GUIDs). All are sent in one request, and the
portal (3.7.1 and later) refuses the whole list with 403 if any id is not one
of your active guests: then nothing is removed.

This removes the guests from your list and revokes the shares you gave them.
The guest accounts themselves stay on the portal.

Connection options: docspace-guest --help.
";

pub const RUN_HELP: &str = "\
docspace-guest run: approve a guest, then remove the approved guest

Usage: docspace-guest run --email EMAIL --link LINK [OPTIONS]

The example script's whole flow, with its output. If the approval fails,
nothing is deleted. --email and --link are as for approve.
Connection options: docspace-guest --help.
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Debug)]
pub struct Options {
    pub url: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub allow_http: bool,
    pub timeout: Duration,
    pub verbosity: Verbosity,
}

#[derive(Debug)]
pub enum Command {
    Approve { email: String, link: String },
    Delete { ids: Vec<String> },
    Run { email: String, link: String },
}

#[derive(Debug)]
pub enum Parsed {
    Run(Command, Options),
    /// Print this text and exit 0.
    Print(String),
}

/// Options may stand before or after the command name, as scripts write them.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, Error> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut command: Option<String> = None;
    let mut positionals: Vec<String> = Vec::new();
    let mut email: Option<String> = None;
    let mut link: Option<String> = None;
    let mut want_help = false;
    let mut options = Options {
        url: None,
        api_key_file: None,
        allow_http: false,
        timeout: Duration::from_secs(30),
        verbosity: Verbosity::Normal,
    };

    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => want_help = true,
            Short('V') | Long("version") => {
                return Ok(Parsed::Print(format!("docspace-guest {VERSION}\n")));
            }
            Short('q') | Long("quiet") => options.verbosity = Verbosity::Quiet,
            Short('v') | Long("verbose") => options.verbosity = Verbosity::Verbose,
            Long("url") => options.url = Some(string_value(&mut parser, "--url")?),
            Long("api-key-file") => options.api_key_file = Some(parser.value()?.into()),
            Long("allow-http") => options.allow_http = true,
            Long("timeout") => {
                let text = string_value(&mut parser, "--timeout")?;
                options.timeout = parse_seconds(&text, "--timeout")?;
            }
            Long("email") => {
                set_once(&mut email, string_value(&mut parser, "--email")?, "--email")?
            }
            Long("link") => set_once(&mut link, string_value(&mut parser, "--link")?, "--link")?,
            Long("api-key" | "key" | "token") => {
                return Err(Error::Usage(
                    "the key is not taken on the command line, where other users can read it: \
                     set DOCSPACE_API_KEY or use --api-key-file PATH"
                        .into(),
                ));
            }
            Value(value) => {
                let value = value
                    .into_string()
                    .map_err(|v| Error::Usage(format!("argument {v:?} is not valid UTF-8")))?;
                if command.is_none() {
                    command = Some(value);
                } else {
                    positionals.push(value);
                }
            }
            _ => return Err(usage(arg.unexpected())),
        }
    }

    let command = match command.as_deref() {
        None if want_help => return Ok(Parsed::Print(HELP.into())),
        None => {
            return Err(Error::Usage(
                "no command given: use approve, delete or run (see docspace-guest --help)".into(),
            ));
        }
        Some("help") => return Ok(Parsed::Print(help_for(positionals.first())?.into())),
        Some(name) => name,
    };
    if want_help {
        return Ok(Parsed::Print(help_for(Some(&command.to_string()))?.into()));
    }

    let command = match command {
        "approve" | "run" => {
            no_positionals(command, &positionals)?;
            let email = email.ok_or_else(|| missing(command, "--email EMAIL"))?;
            let link = link.ok_or_else(|| missing(command, "--link LINK"))?;
            if command == "approve" {
                Command::Approve { email, link }
            } else {
                Command::Run { email, link }
            }
        }
        "delete" => {
            for (flag, given) in [("--email", email.is_some()), ("--link", link.is_some())] {
                if given {
                    return Err(Error::Usage(format!(
                        "{flag} is not an option of delete; give the guests' ids"
                    )));
                }
            }
            if positionals.is_empty() {
                return Err(missing("delete", "at least one guest ID"));
            }
            Command::Delete { ids: positionals }
        }
        other => return Err(unknown_command(other)),
    };
    Ok(Parsed::Run(command, options))
}

fn help_for(command: Option<&String>) -> Result<&'static str, Error> {
    match command.map(String::as_str) {
        None => Ok(HELP),
        Some("approve") => Ok(APPROVE_HELP),
        Some("delete") => Ok(DELETE_HELP),
        Some("run") => Ok(RUN_HELP),
        Some(other) => Err(unknown_command(other)),
    }
}

fn unknown_command(name: &str) -> Error {
    Error::Usage(format!(
        "unknown command '{name}': use approve, delete or run (see docspace-guest --help)"
    ))
}

fn missing(command: &str, what: &str) -> Error {
    Error::Usage(format!(
        "{command} needs {what} (see docspace-guest {command} --help)"
    ))
}

fn no_positionals(command: &str, positionals: &[String]) -> Result<(), Error> {
    match positionals.first() {
        Some(extra) => Err(Error::Usage(format!(
            "unexpected argument '{extra}' for {command} (see docspace-guest {command} --help)"
        ))),
        None => Ok(()),
    }
}

fn set_once(slot: &mut Option<String>, value: String, flag: &str) -> Result<(), Error> {
    if slot.replace(value).is_some() {
        return Err(Error::Usage(format!("{flag} is given twice; give it once")));
    }
    Ok(())
}

fn string_value(parser: &mut lexopt::Parser, flag: &str) -> Result<String, Error> {
    parser
        .value()
        .map_err(usage)?
        .into_string()
        .map_err(|_| Error::Usage(format!("{flag} takes UTF-8 text")))
}

fn parse_seconds(text: &str, flag: &str) -> Result<Duration, Error> {
    match text.parse::<u64>() {
        Ok(secs @ 1..=86_400) => Ok(Duration::from_secs(secs)),
        _ => Err(Error::Usage(format!(
            "{flag} takes whole seconds from 1 to 86400, not '{text}'"
        ))),
    }
}

fn usage(err: lexopt::Error) -> Error {
    Error::Usage(format!("{err} (see docspace-guest --help)"))
}

impl From<lexopt::Error> for Error {
    fn from(err: lexopt::Error) -> Self {
        usage(err)
    }
}
