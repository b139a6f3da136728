//! The record key: 32 random bytes, made once per state folder, that sign each line
//! of a record (HMAC-SHA256) so that `restore` knows the tool wrote it. See the
//! module's notes (`record`) for what this protects and what it does not.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::Value;

use super::open;
use crate::error::Error;

const KEY_BYTES: usize = 32;
/// `,"mac":"` + 64 hex digits + `"}`: how every line ends.
const MAC_FIELD: &str = ",\"mac\":\"";
const MAC_HEX: usize = 64;

#[derive(Clone)]
pub struct RecordKey(hmac::Key);

/// Never the key's bytes, whatever prints it.
impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKey(…)")
    }
}

impl RecordKey {
    /// A key from its bytes; the tool's own comes from [`RecordKey::load_or_create`].
    pub fn from_bytes(bytes: &[u8; KEY_BYTES]) -> RecordKey {
        RecordKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    /// The key in `path` (for `restore`): it must exist.
    pub fn load(path: &Path) -> Result<RecordKey, Error> {
        let mut options = OpenOptions::new();
        options.read(true);
        let mut file =
            open::checked(path, &options, open::Rule::Secret).map_err(|why| refused(path, &why))?;
        let mut bytes = [0; KEY_BYTES];
        let mut extra = [0; 1];
        let whole = file.read_exact(&mut bytes).is_ok() && matches!(file.read(&mut extra), Ok(0));
        if !whole {
            return Err(refused(path, "is not a record key (32 bytes)"));
        }
        Ok(RecordKey::from_bytes(&bytes))
    }

    /// The key in `path`, made first if there is none. Two runs that race to make it
    /// both end with the same key: each writes a file of its own, and only the first
    /// to link it under `path` wins (a link never replaces a file), so no run ever
    /// reads a key that is half written.
    pub fn load_or_create(path: &Path) -> Result<RecordKey, Error> {
        if path.symlink_metadata().is_err() {
            create(path)?;
        }
        RecordKey::load(path)
    }

    /// The line for `value` (an object with fields): its JSON text, made inert for a
    /// terminal, with `"mac"` last, over everything before it. No newline.
    pub fn seal(&self, value: &Value) -> String {
        let body = crate::output::terminal::json_line(value);
        let open = body.strip_suffix('}').unwrap_or(&body);
        let tag = hmac::sign(&self.0, body.as_bytes());
        let mut line = String::with_capacity(body.len() + MAC_FIELD.len() + MAC_HEX + 2);
        line.push_str(open);
        line.push_str(MAC_FIELD);
        for byte in tag.as_ref() {
            line.push_str(&format!("{byte:02x}"));
        }
        line.push_str("\"}");
        line
    }

    /// The line's text without its MAC, if the MAC is this key's over it.
    pub(super) fn unseal(&self, line: &str) -> Option<String> {
        let rest = line.strip_suffix("\"}")?;
        let at = rest.len().checked_sub(MAC_HEX)?;
        let hex = rest.get(at..)?;
        let body = format!("{}}}", rest.get(..at)?.strip_suffix(MAC_FIELD)?);
        let tag = decode_hex(hex)?;
        hmac::verify(&self.0, body.as_bytes(), &tag).ok()?;
        Some(body)
    }
}

/// Lower-case hex only, as `seal` writes it: one spelling per MAC.
fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    let nibble = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    hex.as_bytes()
        .chunks(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(*pair.get(1)?)?))
        .collect()
}

fn create(path: &Path) -> Result<(), Error> {
    let random = SystemRandom::new();
    let mut bytes = [0; KEY_BYTES];
    let mut suffix = [0; 8];
    random
        .fill(&mut bytes)
        .and_then(|()| random.fill(&mut suffix))
        .map_err(|_| refused(path, "cannot be made: the system gave no random bytes"))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let own = path.with_file_name(format!(
        ".{name}.{}.{}",
        std::process::id(),
        u64::from_ne_bytes(suffix)
    ));
    let made = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&own)
        .and_then(|mut file| {
            file.write_all(&bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::hard_link(&own, path));
    let _ = std::fs::remove_file(&own);
    match made {
        Ok(()) => {}
        // Another run linked its key first: that one is the key.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(err) => return Err(refused(path, &format!("cannot be made: {err}"))),
    }
    // The link itself survives a crash only once its folder is synced.
    if let Some(dir) = path.parent() {
        let _ = std::fs::File::open(dir).and_then(|dir| dir.sync_all());
    }
    Ok(())
}

fn refused(path: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "the record key {} {why}; it signs the records (see --record in --help), or pass --no-record",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::open::tests::TempDir;
    use serde_json::json;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_sealed_line_unseals_and_an_edited_one_does_not() {
        let key = RecordKey::from_bytes(&[7; 32]);
        let line = key.seal(&json!({"a": 1, "b": "x\u{1b}"}));
        assert!(
            line.starts_with("{\"a\":1,\"b\":\"x\\u001b\",\"mac\":\""),
            "{line}"
        );
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["mac"].as_str().unwrap().len(), 64);
        assert_eq!(
            key.unseal(&line).as_deref(),
            Some("{\"a\":1,\"b\":\"x\\u001b\"}")
        );
        assert_eq!(key.unseal(&line.replace("\"a\":1", "\"a\":2")), None);
        assert_eq!(RecordKey::from_bytes(&[8; 32]).unseal(&line), None);
        assert_eq!(key.unseal(&line[..line.len() - 1]), None);
        let mac = value["mac"].as_str().unwrap();
        assert_eq!(key.unseal(&line.replace(mac, &mac.to_uppercase())), None);
    }

    #[test]
    fn the_key_is_made_once_0600_and_read_back() {
        let dir = TempDir::new("key");
        let path = dir.join("record.key");
        let first = RecordKey::load_or_create(&path).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(meta.len(), 32);
        let again = RecordKey::load_or_create(&path).unwrap();
        let line = first.seal(&json!({"k": 1}));
        assert!(
            again.unseal(&line).is_some(),
            "the same key the second time"
        );
        assert_eq!(
            std::fs::read_dir(&dir.0).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn runs_that_race_to_make_the_key_all_get_the_same_one() {
        let dir = TempDir::new("key-race");
        let path = dir.join("record.key");
        let lines: Vec<String> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    RecordKey::load_or_create(&path)
                        .unwrap()
                        .seal(&json!({"k": 1}))
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|run| run.join().unwrap())
            .collect();
        assert!(lines.iter().all(|line| *line == lines[0]), "{lines:?}");
    }

    #[test]
    fn a_key_others_can_read_or_of_the_wrong_size_is_refused() {
        let dir = TempDir::new("key-bad");
        let path = dir.join("record.key");
        std::fs::write(&path, [1; 32]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = RecordKey::load_or_create(&path).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string()
                .contains("other users can read or write it (mode 0644)"),
            "{err}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, [1; 31]).unwrap();
        let err = RecordKey::load(&path).unwrap_err();
        assert!(err.to_string().contains("is not a record key"), "{err}");
        assert!(RecordKey::load(&dir.join("none")).is_err());
    }
}
