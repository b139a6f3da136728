//! The options every command takes, and where the portal is and what credential to
//! send: from those flags, then the environment, then the config file (which the
//! parser has already merged into the options: `cli::config_file`).

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::flags::FlagId;
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
    /// The config file read, and its section, for whoami.
    pub config_file: Option<(PathBuf, Option<String>, &'static str)>,
    /// Where each flag given came from, for whoami; a flag not listed has the
    /// environment's value or the default.
    pub origins: Vec<(FlagId, Origin)>,
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

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    CommandLine,
    /// FILE:LINE of the config file.
    File(PathBuf, usize),
}

impl Options {
    pub fn origin(&self, id: FlagId) -> Option<&Origin> {
        self.origins
            .iter()
            .find(|(flag, _)| *flag == id)
            .map(|(_, origin)| origin)
    }
}

/// Reads what `options` leave open from the environment, and checks it all before
/// anything is sent.
pub fn resolve(options: &Options) -> Result<Settings, Error> {
    // A value from the config file is named by its line.
    let flag = options
        .url
        .clone()
        .map(|url| match options.origin(FlagId::Url) {
            Some(Origin::File(path, line)) => (url, format!("{}:{line}: url", path.display())),
            _ => (url, "--url".to_string()),
        });
    let portal = portal_url(flag)?;
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

/// The portal's address from DOCSPACE_URL, else DOCSPACE_API_HOST, and which it was.
fn portal_env() -> Result<Option<(String, &'static str)>, Error> {
    let from_env = |name: &'static str| -> Result<Option<(String, &'static str)>, Error> {
        Ok(input::env(name)?
            .map(|v| input::unquote(v.trim()).to_string())
            .filter(|v| !v.is_empty())
            .map(|v| (v, name)))
    };
    match from_env("DOCSPACE_URL")? {
        Some(found) => Ok(Some(found)),
        None => from_env("DOCSPACE_API_HOST"),
    }
}

/// The address from `flag` (the value and what to call it), else the environment.
fn portal_url(flag: Option<(String, String)>) -> Result<Url, Error> {
    let found = match flag {
        Some(found) => Some(found),
        None => portal_env()?.map(|(value, name)| (value, name.to_string())),
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

/// Where each setting of the connection came from, for whoami: the flag, its value
/// and its origin (command line, environment, FILE:LINE or default). The key is never
/// among them, only where it was read.
pub fn provenance(options: &Options) -> Result<Vec<(String, String)>, Error> {
    let origin = |id: FlagId| match options.origin(id) {
        Some(Origin::CommandLine) => "command line".to_string(),
        Some(Origin::File(path, line)) => format!("{}:{line}", path.display()),
        None => "default".to_string(),
    };
    let mut shown = Vec::new();
    if let Some((path, section, found)) = &options.config_file {
        let section = section
            .as_ref()
            .map_or(String::new(), |s| format!(" [{s}]"));
        shown.push((
            format!("--config {}{section}", path.display()),
            found.to_string(),
        ));
    }
    match (&options.url, portal_env()?) {
        (Some(url), _) => shown.push((format!("--url {url}"), origin(FlagId::Url))),
        (None, Some((url, name))) => {
            shown.push((format!("--url {url}"), format!("environment {name}")))
        }
        (None, None) => {}
    }
    match &options.api_key_file {
        Some(path) => shown.push((
            format!("--api-key-file {}", path.display()),
            origin(FlagId::ApiKeyFile),
        )),
        None => shown.push(("the key".into(), "environment DOCSPACE_API_KEY".into())),
    }
    for (id, value) in [
        (FlagId::Timeout, options.timeout.as_secs()),
        (FlagId::Retries, u64::from(options.retries)),
        (FlagId::MaxWait, options.max_wait.as_secs()),
    ] {
        shown.push((format!("--{} {value}", id.flag().long), origin(id)));
    }
    if let Some(path) = &options.ca_cert {
        shown.push((
            format!("--ca-cert {}", path.display()),
            origin(FlagId::CaCert),
        ));
    }
    if options.allow_http {
        shown.push(("--allow-http".into(), origin(FlagId::AllowHttp)));
    }
    Ok(shown)
}
