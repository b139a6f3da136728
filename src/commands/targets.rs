//! The guests a command is given, as the user named them (ids, `--email`, `--from`),
//! and the checks every command makes of what it reads before anything is sent.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::config::Options;
use crate::error::Error;
use crate::input::{self, Target};

/// The guests delete, disable and enable change, as the user named them.
#[derive(Debug)]
pub struct Targets {
    pub ids: Vec<String>,
    pub emails: Vec<String>,
    pub from: Option<PathBuf>,
    pub batch_size: usize,
}

/// access's and revoke's guests and rooms; either may be empty for access.
#[derive(Debug, Default)]
pub struct RoomArgs {
    pub targets: Targets,
    pub rooms: Vec<u64>,
}

/// The guests named by ids, `--email` and `--from`, all checked.
pub fn targets_of(args: &Targets, options: &Options) -> Result<Vec<Target>, Error> {
    let mut targets = Vec::new();
    for id in &args.ids {
        targets.push(Target::Id(guest_id(id)?));
    }
    for email in &args.emails {
        input::check_email("--email", email)?;
        targets.push(Target::Email(email.clone()));
    }
    if let Some(from) = &args.from {
        stdin_once(Some(from), "--from", options)?;
        targets.extend(input::read_targets(from)?);
    }
    if targets.is_empty() {
        return Err(Error::Usage(
            "no guests given (the --from input is empty)".into(),
        ));
    }
    Ok(targets)
}

pub fn guest_id(text: &str) -> Result<String, Error> {
    input::guid(text).ok_or_else(|| {
        let hint = if text.contains('@') {
            format!(": for an email address use --email {text}")
        } else {
            " (a GUID like 3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b)".to_string()
        };
        Error::Usage(format!("'{text}' is not a guest ID{hint}"))
    })
}

/// Only one input can be read from stdin, and `--api-key-file -` may be it.
pub fn stdin_once(path: Option<&Path>, flag: &str, options: &Options) -> Result<(), Error> {
    if path == Some(Path::new("-")) && options.api_key_file.as_deref() == Some(Path::new("-")) {
        return Err(Error::Usage(format!(
            "{flag} - and --api-key-file - cannot both read stdin: put the key in a file or \
             in DOCSPACE_API_KEY"
        )));
    }
    Ok(())
}

/// A deletion for good without --yes asks on the terminal; refused here, before any
/// request, so that cron gets its answer without one.
pub fn must_be_able_to_ask(
    list: Option<&Path>,
    options: &Options,
    what: &str,
) -> Result<(), Error> {
    let stdin_is_free =
        list != Some(Path::new("-")) && options.api_key_file.as_deref() != Some(Path::new("-"));
    if options.dry_run || (stdin_is_free && std::io::stdin().is_terminal()) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{what} deletes accounts for good: add --yes to confirm (there is no terminal to ask on)"
    )))
}
