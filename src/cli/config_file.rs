//! The config file: which one is read, whether it may be trusted, and its lines, checked
//! for form (docs/configuration.md). One flag per line, as on the command line, its
//! value after `=` or a space, to the end of the line; `[NAME]` sections, one per
//! portal. Which flags a file may hold is the flag table's `in_file` column; the parser
//! (`parse`) merges the settings chosen under the command line's.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::cli::flags::{self, Flag, InFile, Kind};
use crate::error::Error;
use crate::input;

/// The system-wide config file, read when the user has none.
pub const SYSTEM_FILE: &str = "/etc/docspace-guest/config";
/// Larger than any real config file: a wrong path fails fast.
const LIMIT: u64 = 64 * 1024;

/// What the parser needs from the machine: variables and the default files. The tests
/// give one with neither.
pub trait Host {
    fn env(&self, name: &str) -> Result<Option<String>, Error>;
    /// The config files looked for when none is named, in order: the first that
    /// exists is read.
    fn default_files(&self) -> Result<Vec<PathBuf>, Error>;
}

/// This process's environment and the files of docs/configuration.md.
pub struct System;

impl Host for System {
    fn env(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(input::env(name)?.filter(|value| !value.trim().is_empty()))
    }

    fn default_files(&self) -> Result<Vec<PathBuf>, Error> {
        // Paths, not text: a home that is not UTF-8 is still a home.
        let dir = |name| std::env::var_os(name).filter(|value| !value.is_empty());
        let user = match (dir("XDG_CONFIG_HOME"), dir("HOME")) {
            (Some(dir), _) => Some(PathBuf::from(dir)),
            (None, Some(home)) => Some(Path::new(&home).join(".config")),
            (None, None) => None,
        };
        let user = user.map(|dir| dir.join("docspace-guest/config"));
        Ok(user
            .into_iter()
            .chain([PathBuf::from(SYSTEM_FILE)])
            .collect())
    }
}

/// One flag of the file, its form checked.
pub struct Setting {
    pub flag: &'static Flag,
    pub value: Option<String>,
    pub line: usize,
    /// The section it is in; `None` at the file's top.
    pub section: Option<String>,
}

pub struct ConfigFile {
    pub path: PathBuf,
    /// The section chosen with --portal or DOCSPACE_GUEST_PORTAL.
    pub section: Option<String>,
    /// Every line of every section, so that a mistake anywhere is found at once.
    pub settings: Vec<Setting>,
    /// How it was found: "command line", "environment DOCSPACE_GUEST_CONFIG", "default".
    pub found: &'static str,
}

impl ConfigFile {
    /// The settings that apply, strongest first: the section's, then the top's.
    pub fn chosen(&self) -> impl Iterator<Item = &Setting> {
        let section = self
            .settings
            .iter()
            .filter(|s| s.section.is_some() && s.section == self.section);
        let top = self.settings.iter().filter(|s| s.section.is_none());
        section.chain(top)
    }

    /// "FILE:LINE".
    pub fn at(&self, setting: &Setting) -> String {
        format!("{}:{}", self.path.display(), setting.line)
    }
}

/// The config file to read, if any: --config, else DOCSPACE_GUEST_CONFIG, else the
/// first default file that exists. `portal` is --portal's NAME.
pub fn load(
    host: &dyn Host,
    named: Option<PathBuf>,
    portal: Option<String>,
) -> Result<Option<ConfigFile>, Error> {
    let section = match (portal, host.env("DOCSPACE_GUEST_PORTAL")?) {
        (Some(flag), Some(pinned)) if flag != pinned => {
            return Err(Error::Usage(format!(
                "--portal {flag} differs from DOCSPACE_GUEST_PORTAL={pinned}, which pins the \
                 section: unset DOCSPACE_GUEST_PORTAL or drop --portal"
            )));
        }
        (Some(name), _) => Some(name),
        (None, pinned) => pinned,
    };
    if let Some(name) = &section
        && !is_section_name(name)
    {
        return Err(Error::Usage(format!(
            "--portal takes a section's name (letters, digits, '.', '-', '_'), not '{name}'"
        )));
    }
    let named = match named {
        Some(path) => Some((path, "command line")),
        None => host
            .env("DOCSPACE_GUEST_CONFIG")?
            .map(|path| (PathBuf::from(path), "environment DOCSPACE_GUEST_CONFIG")),
    };
    let (path, found) = match named {
        Some(named) => named,
        None => match host.default_files()?.into_iter().find(|p| p.exists()) {
            Some(path) => (path, "default"),
            None => {
                return match section {
                    Some(name) => Err(Error::Usage(format!(
                        "no config file holds the section [{name}]: none was found (see \
                         docs/configuration.md); use --config FILE"
                    ))),
                    None => Ok(None),
                };
            }
        },
    };
    check_owners(&path)?;
    let text = input::read_text(&path, LIMIT)
        .map_err(|why| Error::Usage(format!("config file {}{why}", path.display())))?;
    let settings = read(&text, &path)?;
    if let Some(name) = &section
        && !text
            .lines()
            .any(|line| header(line.trim()) == Some(name.as_str()))
    {
        return Err(Error::Usage(format!(
            "{} has no section [{name}]: add it, or choose another with --portal",
            path.display()
        )));
    }
    Ok(Some(ConfigFile {
        path,
        section,
        settings,
        found,
    }))
}

/// As OpenSSH's StrictModes: a config file chooses where the key is sent, so it and
/// every directory above it must be owned by root or the caller and writable by no one
/// else, but for a sticky directory such as /tmp.
fn check_owners(path: &Path) -> Result<(), Error> {
    let refuse = |why: String| {
        Error::Usage(format!(
            "config file {}: {why}; it chooses where the key is sent, so it is used only \
             when it and every directory above it are owned by root or you and writable \
             by no one else",
            path.display()
        ))
    };
    let real = path.canonicalize().map_err(|err| {
        Error::Usage(format!(
            "config file {}: cannot be read ({err}): name an existing file with --config \
             or DOCSPACE_GUEST_CONFIG",
            path.display()
        ))
    })?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    for part in real.ancestors() {
        let meta = std::fs::metadata(part)
            .map_err(|err| refuse(format!("{} cannot be read ({err})", part.display())))?;
        if meta.uid() != 0 && meta.uid() != me {
            return Err(refuse(format!(
                "{} is owned by uid {}",
                part.display(),
                meta.uid()
            )));
        }
        // A sticky directory (/tmp) lets no one else rename or remove what is yours.
        let sticky = meta.is_dir() && meta.mode() & 0o1000 != 0;
        if meta.mode() & 0o022 != 0 && !sticky {
            return Err(refuse(format!(
                "{} is writable by others (mode {:o}: chmod go-w it)",
                part.display(),
                meta.mode() & 0o7777
            )));
        }
    }
    Ok(())
}

/// The lines of a config file, checked for form; errors name FILE:LINE.
fn read(text: &str, path: &Path) -> Result<Vec<Setting>, Error> {
    let mut settings: Vec<Setting> = Vec::new();
    let mut sections: Vec<String> = Vec::new();
    let mut section: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let at = |why: String| Error::Usage(format!("{}:{line}: {why}", path.display()));
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('[') {
            let name = header(trimmed).ok_or_else(|| {
                at("a section is [NAME], with letters, digits, '.', '-' or '_'".into())
            })?;
            if sections.iter().any(|s| s == name) {
                return Err(at(format!("[{name}] is a second time: merge the two")));
            }
            sections.push(name.to_string());
            section = Some(name.to_string());
            continue;
        }
        let body = trimmed.strip_prefix("--").unwrap_or(trimmed);
        let end = body
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(body.len());
        let (name, rest) = body.split_at(end);
        let rest = rest.trim_start();
        let value = rest.strip_prefix('=').unwrap_or(rest).trim_start();
        let flag = match name {
            "api-key" | "key" | "token" | "DOCSPACE_API_KEY" => {
                return Err(at(
                    "a config file holds no key: put the key in a file of its own (chmod \
                     600) and name it with api-key-file"
                        .into(),
                ));
            }
            _ => flags::flag_by_long(name).ok_or_else(|| {
                at(format!(
                    "unknown option '{name}' (see docspace-guest --help)"
                ))
            })?,
        };
        if flag.in_file == InFile::No {
            return Err(at(format!(
                "--{} is taken only from the command line, never from a config file: give \
                 it where the command runs (docs/configuration.md)",
                flag.long
            )));
        }
        let value = match (flag.kind, value.is_empty()) {
            (Kind::Switch, true) => None,
            (Kind::Switch, false) => {
                return Err(at(format!("--{} takes no value", flag.long)));
            }
            (_, true) => return Err(at(format!("--{} needs a value", flag.long))),
            (_, false) => Some(value.to_string()),
        };
        if let Some(first) = settings
            .iter()
            .find(|s| s.flag.id == flag.id && s.section == section)
        {
            return Err(at(format!(
                "--{} is given a second time (first on line {}): keep one",
                flag.long, first.line
            )));
        }
        settings.push(Setting {
            flag,
            value,
            line,
            section: section.clone(),
        });
    }
    Ok(settings)
}

/// NAME of a `[NAME]` line.
fn header(line: &str) -> Option<&str> {
    let name = line.strip_prefix('[')?.strip_suffix(']')?.trim();
    is_section_name(name).then_some(name)
}

fn is_section_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> String {
        match read(text, Path::new("cfg")) {
            Err(Error::Usage(message)) => message,
            Err(other) => panic!("{text:?}: {other}"),
            Ok(_) => panic!("{text:?} is not refused"),
        }
    }

    #[test]
    fn lines_read_as_flags() {
        let text = "# a comment\n\n--url https://a.example/x y\ntimeout=10\n  retries = 2 \r\n\
                    allow-http\n[acme.prod]\nurl=https://b.example\n[b]\nkeep /etc/keep\n";
        let got = read(text, Path::new("cfg")).unwrap();
        let seen: Vec<(&str, Option<&str>, usize, Option<&str>)> = got
            .iter()
            .map(|s| {
                (
                    s.flag.long,
                    s.value.as_deref(),
                    s.line,
                    s.section.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("url", Some("https://a.example/x y"), 3, None),
                ("timeout", Some("10"), 4, None),
                ("retries", Some("2"), 5, None),
                ("allow-http", None, 6, None),
                ("url", Some("https://b.example"), 8, Some("acme.prod")),
                ("keep", Some("/etc/keep"), 10, Some("b")),
            ]
        );
    }

    #[test]
    fn mistakes_name_the_line() {
        for (text, says) in [
            ("url x\napi-key sk-123", "cfg:2: a config file holds no key"),
            ("yes", "cfg:1: --yes is taken only from the command line"),
            (
                "--max 5",
                "cfg:1: --max is taken only from the command line",
            ),
            ("action = delete", "cfg:1: --action is taken only"),
            ("record r", "cfg:1: --record is taken only"),
            ("email a@b.c", "cfg:1: --email is taken only"),
            ("portal x", "cfg:1: --portal is taken only"),
            ("permanent", "cfg:1: --permanent is taken only"),
            ("from leavers.csv", "cfg:1: --from is taken only"),
            ("link L", "cfg:1: --link is taken only"),
            ("room 7", "cfg:1: --room is taken only"),
            ("dry-run", "cfg:1: --dry-run is taken only"),
            ("frob 1", "cfg:1: unknown option 'frob'"),
            ("allow-http yes", "cfg:1: --allow-http takes no value"),
            ("timeout", "cfg:1: --timeout needs a value"),
            ("[a b]", "cfg:1: a section is [NAME]"),
            ("[a]\n[a]", "cfg:2: [a] is a second time"),
            (
                "[a]\ntimeout 1\ntimeout=2",
                "cfg:3: --timeout is given a second time (first on line 2)",
            ),
        ] {
            let message = refusal(text);
            assert!(message.starts_with(says), "{text:?}: {message}");
            assert!(!message.contains("sk-123"), "{message}");
        }
    }

    #[test]
    fn a_section_and_the_top_apply_section_first() {
        let file = ConfigFile {
            path: "cfg".into(),
            section: Some("b".into()),
            settings: read(
                "timeout 1\n[a]\ntimeout 2\n[b]\ntimeout 3\n",
                Path::new("cfg"),
            )
            .unwrap(),
            found: "default",
        };
        let lines: Vec<usize> = file.chosen().map(|s| s.line).collect();
        assert_eq!(lines, [5, 1]);
    }
}
