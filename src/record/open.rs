//! Opening the record's files so that nothing else is opened in their place: never
//! through a symbolic link as the last component (the folders above may be links:
//! systemd's `StateDirectory=` under `DynamicUser=` is one), never blocking on a FIFO,
//! and only a regular file of the caller's that others cannot change.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// What a file must be besides a regular file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The caller's own, not a symbolic link, and others cannot write to it: a record
    /// the tool writes.
    Private,
    /// As `Private`, and others cannot read it either: the record key.
    Secret,
    /// Anyone's, through links too: a record `restore` reads, which its MACs vouch for.
    Readable,
}

/// Opens `path` with `options` (std adds `O_CLOEXEC`), then checks what was opened.
/// The error is the reason in words, to follow the path in a message.
pub fn checked(path: &Path, options: &OpenOptions, rule: Rule) -> Result<File, String> {
    let mut options = options.clone();
    // O_NONBLOCK: opening a FIFO for writing would otherwise wait for a reader forever
    // (and for reading, wait for a writer).
    let nofollow = if rule == Rule::Readable {
        0
    } else {
        libc::O_NOFOLLOW
    };
    options.custom_flags(nofollow | libc::O_NONBLOCK);
    let file = options.open(path).map_err(|err| why_not_opened(&err))?;
    check(&file, rule)?;
    clear_nonblock(&file).map_err(|err| format!("cannot be used: {err}"))?;
    Ok(file)
}

fn why_not_opened(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(libc::ELOOP) => "is a symbolic link: name the file it points to".into(),
        // A FIFO without a reader (opened for writing, non-blocking), or a socket.
        Some(libc::ENXIO) => "is a FIFO or a socket, not a regular file".into(),
        Some(libc::EISDIR) => "is a directory, not a file".into(),
        Some(libc::ENOENT) => "does not exist, or its folder does not".into(),
        Some(libc::EACCES | libc::EPERM) => "cannot be opened: permission denied".into(),
        _ => format!("cannot be opened: {err}"),
    }
}

/// What `fstat` says of the open file, so that no one can swap the path in between.
fn check(file: &File, rule: Rule) -> Result<(), String> {
    let meta = file
        .metadata()
        .map_err(|err| format!("cannot be examined: {err}"))?;
    let kind = meta.file_type();
    let not_regular = if kind.is_dir() {
        Some("a directory")
    } else if kind.is_fifo() {
        Some("a FIFO")
    } else if kind.is_char_device() {
        Some("a character device")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else if !kind.is_file() {
        Some("not a file")
    } else {
        None
    };
    if let Some(what) = not_regular {
        return Err(format!("is {what}, not a regular file"));
    }
    let (forbidden_mode, who) = match rule {
        Rule::Readable => return Ok(()),
        Rule::Private => (0o022, "write to"),
        Rule::Secret => (0o077, "read or write"),
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(format!(
            "belongs to another user (uid {}), not to you (uid {me})",
            meta.uid()
        ));
    }
    let mode = meta.mode() & 0o7777;
    if mode & forbidden_mode != 0 {
        return Err(format!(
            "other users can {who} it (mode {mode:04o}): chmod 600 it"
        ));
    }
    Ok(())
}

/// Blocking again, now that the file is known to be a regular one.
fn clear_nonblock(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this File owns, with integer arguments only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh folder under the system's temporary one, removed when dropped.
    pub struct TempDir(pub PathBuf);

    impl TempDir {
        pub fn new(name: &str) -> TempDir {
            static COUNT: AtomicUsize = AtomicUsize::new(0);
            let n = COUNT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("docspace-guest-{name}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        pub fn join(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_key_readable_by_others_is_refused_and_a_private_one_is_opened() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("open");
        let path = dir.join("key");
        std::fs::write(&path, b"x").unwrap();
        let mut read = OpenOptions::new();
        read.read(true);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let why = checked(&path, &read, Rule::Secret).unwrap_err();
        assert_eq!(
            why,
            "other users can read or write it (mode 0640): chmod 600 it"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let file = checked(&path, &read, Rule::Secret).unwrap();
        // SAFETY: F_GETFL on an open descriptor.
        let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
        assert_eq!(flags & libc::O_NONBLOCK, 0, "O_NONBLOCK is cleared");
    }
}
