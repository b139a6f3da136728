//! Where records go without `--record`: the tool's state folder, as systemd and the
//! XDG base directories name it, with a file per run that `ls` sorts by time, and
//! the record key beside the `records/` folder.

use std::ffi::OsString;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use super::line::Header;
use crate::error::Error;

/// The tool's state folder: `$STATE_DIRECTORY` (systemd's `StateDirectory=`; the
/// first, if it lists several), else `$XDG_STATE_HOME/docspace-guest`, else
/// `$HOME/.local/state/docspace-guest`. A relative path in any of them is ignored,
/// as the XDG specification says.
pub fn state_dir() -> Result<PathBuf, Error> {
    state_dir_from(|name| std::env::var_os(name))
}

fn state_dir_from(var: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, Error> {
    let absolute = |value: Option<OsString>| value.map(PathBuf::from).filter(|p| p.is_absolute());
    // systemd separates several folders with ':', as PATH does.
    let systemd = var("STATE_DIRECTORY").and_then(|list| std::env::split_paths(&list).next());
    if let Some(dir) = systemd.filter(|p| p.is_absolute()) {
        return Ok(dir);
    }
    if let Some(dir) = absolute(var("XDG_STATE_HOME")) {
        return Ok(dir.join("docspace-guest"));
    }
    if let Some(home) = absolute(var("HOME")) {
        return Ok(home.join(".local/state/docspace-guest"));
    }
    Err(Error::Usage(
        "no folder for the record: neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is set \
         to an absolute path; name a file with --record FILE, or pass --no-record"
            .into(),
    ))
}

/// The record key's file, `record.key` in the state folder (made `0700` if need be).
pub fn key_path() -> Result<PathBuf, Error> {
    let dir = state_dir()?;
    make_dir(&dir)?;
    Ok(dir.join("record.key"))
}

/// The default record of the run `header` starts, in `records/` under the state
/// folder (made `0700` if need be): `20261202T134501Z-revoke-5f0c….jsonl`.
pub fn default_path(header: &Header) -> Result<PathBuf, Error> {
    let dir = state_dir()?.join("records");
    make_dir(&dir)?;
    Ok(dir.join(file_name(header)))
}

fn file_name(header: &Header) -> String {
    // "2026-12-02T13:45:01Z" → "20261202T134501Z"; the command and run id are the
    // tool's own, filtered anyway so that a name never holds a '/'.
    let time: String = header
        .time
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let safe = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    format!(
        "{time}-{}-{}.jsonl",
        safe(&header.command),
        safe(&header.run)
    )
}

fn make_dir(dir: &Path) -> Result<(), Error> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|err| {
            Error::Usage(format!(
                "cannot make the record folder {}: {err}; name a file with --record FILE, \
                 or pass --no-record",
                dir.display()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::open::tests::TempDir;
    use std::os::unix::fs::PermissionsExt;

    fn dir_with(vars: &[(&str, &str)]) -> Result<PathBuf, Error> {
        state_dir_from(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn systemd_then_xdg_then_home() {
        let all = [
            ("STATE_DIRECTORY", "/var/lib/dg:/var/lib/other"),
            ("XDG_STATE_HOME", "/x/state"),
            ("HOME", "/home/op"),
        ];
        assert_eq!(dir_with(&all).unwrap(), Path::new("/var/lib/dg"));
        assert_eq!(
            dir_with(&all[1..]).unwrap(),
            Path::new("/x/state/docspace-guest")
        );
        assert_eq!(
            dir_with(&all[2..]).unwrap(),
            Path::new("/home/op/.local/state/docspace-guest")
        );
        // Relative or empty values are not used.
        let relative = [
            ("STATE_DIRECTORY", "state"),
            ("XDG_STATE_HOME", ""),
            ("HOME", "/home/op"),
        ];
        assert_eq!(
            dir_with(&relative).unwrap(),
            Path::new("/home/op/.local/state/docspace-guest")
        );
        let err = dir_with(&[]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--no-record"), "{err}");
    }

    #[test]
    fn a_run_file_is_named_to_sort_by_time() {
        let mut header = Header::new("https://p.example", "revoke", None).unwrap();
        header.time = "2026-12-02T13:45:01Z".into();
        header.run = "0123456789abcdef".into();
        assert_eq!(
            file_name(&header),
            "20261202T134501Z-revoke-0123456789abcdef.jsonl"
        );
        header.command = "../x".into();
        assert!(!file_name(&header).contains('/'));
    }

    #[test]
    fn folders_are_made_0700_and_a_file_in_the_way_is_named() {
        let dir = TempDir::new("location");
        let records = dir.join("state/records");
        make_dir(&records).unwrap();
        for made in [dir.join("state"), records] {
            let mode = std::fs::metadata(&made).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", made.display());
        }
        std::fs::write(dir.join("file"), b"").unwrap();
        let blocked = dir.join("file/records");
        let err = make_dir(&blocked).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = err.to_string();
        assert!(text.contains(&blocked.display().to_string()) && text.contains("--no-record"));
    }
}
