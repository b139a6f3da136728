//! The options every command takes, and where the portal is and what credential to
//! send: from those flags, then the environment.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;
use crate::input;
use crate::net::credential::Credential;
use crate::net::url::Url;
use crate::net::{Settings, roots};
use crate::output::Verbosity;

/// The options every command takes: where the portal is and how to reach it, and
/// what is printed. The parser fills them, with the flag table's defaults.
#[derive(Debug)]
pub struct Options {
    pub url: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub allow_http: bool,
    pub timeout: Duration,
    pub retries: u32,
    pub max_wait: Duration,
    pub ca_cert: Option<PathBuf>,
    pub verbosity: Verbosity,
    pub json: bool,
    pub dry_run: bool,
    /// `--csv`: list, review and access write CSV instead of the table.
    pub csv: bool,
    /// `--record FILE` or `--no-record`: where a change command writes its record.
    pub record: Recording,
}

/// Where a change command keeps its write-ahead record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recording {
    /// Neither flag: the batch commands write one to their state folder, approve and
    /// run none.
    Default,
    /// `--record FILE`.
    To(PathBuf),
    /// `--no-record`.
    Off,
}

/// Reads what `options` leave open from the environment, and checks it all before
/// anything is sent.
pub fn resolve(options: &Options) -> Result<Settings, Error> {
    let portal = portal_url(options.url.clone())?;
    if !portal.https && !portal.is_loopback() && !options.allow_http {
        return Err(Error::Usage(format!(
            "refusing to send the credential in clear text to {}: use https://, \
             or --allow-http if the network is trusted",
            portal.origin()
        )));
    }
    let credential = match &options.api_key_file {
        Some(path) => Credential::from_file(path)?,
        None => match input::env("DOCSPACE_API_KEY")? {
            Some(value) if !value.trim().is_empty() => {
                Credential::new(input::clean_secret(&value).to_string(), "DOCSPACE_API_KEY")?
            }
            _ => {
                return Err(Error::Usage(
                    "no credential: set DOCSPACE_API_KEY or use --api-key-file PATH".into(),
                ));
            }
        },
    };
    let extra_roots = match &options.ca_cert {
        Some(path) => roots::read_ca_file(path)?,
        None => Vec::new(),
    };
    Ok(Settings {
        portal,
        credential,
        timeout: options.timeout,
        retries: options.retries,
        max_wait: options.max_wait,
        extra_roots,
        trace: options.verbosity == Verbosity::Verbose,
    })
}

fn portal_url(flag: Option<String>) -> Result<Url, Error> {
    let from_env = |name: &'static str| -> Result<Option<(String, &'static str)>, Error> {
        Ok(input::env(name)?
            .map(|v| input::unquote(v.trim()).to_string())
            .filter(|v| !v.is_empty())
            .map(|v| (v, name)))
    };
    let found = match flag {
        Some(value) => Some((value, "--url")),
        None => match from_env("DOCSPACE_URL")? {
            Some(found) => Some(found),
            None => from_env("DOCSPACE_API_HOST")?,
        },
    };
    let (text, source) = found.ok_or_else(|| {
        Error::Usage(
            "no portal address: use --url https://portal.example.com or set DOCSPACE_URL".into(),
        )
    })?;
    let mut url = Url::parse(&text).map_err(|why| Error::Usage(format!("{source} {why}")))?;
    if url.query.is_some() {
        return Err(Error::Usage(format!(
            "{source} must be the portal address only, without a query"
        )));
    }
    // Keep a sub-path (a portal behind a prefix) but not its trailing slash, so that
    // "/api/2.0/…" can be appended.
    url.path = url.path.trim_end_matches('/').to_string();
    Ok(url)
}
