//! Writing a record: the file is checked, locked and given its run header before the
//! first change; each line is then one `write()` of the whole line and its newline on
//! an `O_APPEND` file, synced before the caller goes on to send the request.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::key::RecordKey;
use super::line::{self, Change, Header, Line, Outcome};
use super::open;
use crate::error::Error;

/// An open record, locked for this run until it is dropped.
pub struct Record {
    file: File,
    path: PathBuf,
    key: RecordKey,
    run: String,
    /// The sequence number of the next line (the header's is 0).
    next: u64,
    /// A write failed: the file may end in a torn line, and a line after it would
    /// turn that tail (which `restore` skips) into a broken line in the middle (which
    /// it refuses). So nothing more is written.
    failed: bool,
}

impl Record {
    /// Opens `path` to append (made `0600` if new), checks it, locks it, and writes
    /// and syncs `header`: all before the run's first change. Every refusal is a
    /// usage error (exit 2) naming the path.
    pub fn open(path: &Path, key: RecordKey, header: &Header) -> Result<Record, Error> {
        let mut options = OpenOptions::new();
        // Read too, for its last byte.
        options.read(true).append(true).create(true).mode(0o600);
        let file = open::checked(path, &options, open::Rule::Private)
            .map_err(|why| refused(path, &why))?;
        lock(&file).map_err(|why| refused(path, &why))?;
        ends_whole(&file).map_err(|why| refused(path, &why))?;
        let mut record = Record {
            file,
            path: path.to_path_buf(),
            key,
            run: header.run.clone(),
            next: 0,
            failed: false,
        };
        record
            .append(&Line::Header(header.clone()))
            .map_err(|err| refused(path, &format!("cannot be written: {err}")))?;
        Ok(record)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes down `change` before it is asked of the portal; the sequence number it
    /// returns is what [`Record::outcome`] names. On an error, send nothing more.
    pub fn intent(&mut self, change: Change) -> Result<u64, Error> {
        let seq = self.next;
        self.write(&Line::Intent {
            run: self.run.clone(),
            seq,
            time: line::now(),
            change,
        })?;
        Ok(seq)
    }

    /// Writes down what came of the change [`Record::intent`] numbered `intent`.
    pub fn outcome(&mut self, intent: u64, outcome: Outcome) -> Result<(), Error> {
        self.write(&Line::Outcome {
            run: self.run.clone(),
            seq: self.next,
            time: line::now(),
            intent,
            outcome,
        })
    }

    fn write(&mut self, line: &Line) -> Result<(), Error> {
        let result = if self.failed {
            Err("an earlier write failed".to_string())
        } else {
            self.append(line).map_err(|err| err.to_string())
        };
        result.map_err(|why| {
            self.failed = true;
            Error::Local(format!(
                "the record {} cannot be written: {why}; stopped before the next change",
                self.path.display()
            ))
        })
    }

    fn append(&mut self, line: &Line) -> io::Result<()> {
        let mut bytes = self.key.seal(&line.to_value()).into_bytes();
        bytes.push(b'\n');
        append_line(&mut self.file, &bytes)?;
        self.next += 1;
        Ok(())
    }
}

/// One `write()` of the whole line and its newline, so that appends never interleave
/// within a line (`writeln!` may write the newline apart); another `write()` only for
/// the rest of a short one. Then the data is on the disk before the request goes out.
fn append_line(file: &mut File, line: &[u8]) -> io::Result<()> {
    file.write_all(line)?;
    file.sync_data()
}

/// An exclusive lock for the run, so that a second run naming the same file is
/// refused instead of writing between this one's lines. Released when the file closes.
fn lock(file: &File) -> Result<(), String> {
    // SAFETY: flock on a descriptor this File owns.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Err("is in use by another run (it is locked): wait for that run to end, or name another file".into())
    } else {
        Err(format!("cannot be locked: {err}"))
    }
}

/// A file that ends within a line (an earlier run stopped in the middle of a write)
/// takes no more: this run's header would be glued to that torn tail, and a broken
/// line that is not the last refuses the whole file to `restore`.
fn ends_whole(file: &File) -> Result<(), String> {
    let why = |err: io::Error| format!("cannot be read: {err}");
    let len = file.metadata().map_err(why)?.len();
    let mut last = [b'\n'];
    if len > 0 {
        file.read_exact_at(&mut last, len - 1).map_err(why)?;
    }
    if last[0] != b'\n' {
        return Err(
            "ends in a torn line (an earlier run stopped in the middle of writing it): \
                    restore from it first if need be"
                .into(),
        );
    }
    Ok(())
}

fn refused(path: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "the record {} {why}; name another with --record FILE, or pass --no-record; nothing was sent",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::open::tests::TempDir;
    use crate::record::{State, parse};
    use std::os::unix::fs::PermissionsExt;

    fn key() -> RecordKey {
        RecordKey::from_bytes(&[3; 32])
    }

    fn header() -> Header {
        Header::new(
            "https://docs.example.com",
            "revoke",
            Some("admin@example.com"),
        )
        .unwrap()
    }

    fn removal(room: u64) -> Change {
        Change::RoomRemove {
            room,
            title: format!("Room {room}"),
            guest: "3f0e6d2a-0000-4000-8000-000000000001".into(),
            email: "g@example.org".into(),
            role: 2,
        }
    }

    fn refusal(path: &Path) -> String {
        let err = Record::open(path, key(), &header()).err().expect("refused");
        assert_eq!(err.exit_code(), 2, "{err}");
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("--no-record"), "{text}");
        text
    }

    #[test]
    fn a_new_record_is_0600_and_holds_its_header_intents_and_outcomes() {
        let dir = TempDir::new("writer");
        let path = dir.join("r.jsonl");
        let header = header();
        let mut record = Record::open(&path, key(), &header).unwrap();
        assert_eq!(record.path(), path);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let header_only = std::fs::read(&path).unwrap();
        assert_eq!(header_only.iter().filter(|&&b| b == b'\n').count(), 1);
        assert!(
            header_only.ends_with(b"\n"),
            "the header is written at open"
        );

        let first = record.intent(removal(1)).unwrap();
        record.outcome(first, Outcome::Done).unwrap();
        let second = record.intent(removal(2)).unwrap();
        let third = record.intent(removal(3)).unwrap();
        record
            .outcome(third, Outcome::NotDone("the portal refused it".into()))
            .unwrap();
        assert_eq!((first, second, third), (1, 3, 4));
        drop(record);

        let contents = parse(&std::fs::read(&path).unwrap(), "r.jsonl", &key()).unwrap();
        assert_eq!(contents.torn, None);
        assert_eq!(contents.runs.len(), 1);
        let run = &contents.runs[0];
        assert_eq!(run.header, header);
        let states: Vec<_> = run.changes.iter().map(|e| (e.seq, e.state())).collect();
        assert_eq!(
            states,
            [(1, State::Done), (3, State::Unknown), (4, State::NotDone)]
        );
        assert_eq!(run.changes[1].change, removal(2));
    }

    #[test]
    fn a_second_run_on_the_same_file_is_refused_while_the_first_holds_it() {
        let dir = TempDir::new("lock");
        let path = dir.join("r.jsonl");
        let first = Record::open(&path, key(), &header()).unwrap();
        let text = refusal(&path);
        assert!(text.contains("in use by another run"), "{text}");
        drop(first);
        let second = Record::open(&path, key(), &header()).unwrap();
        drop(second);
        let contents = parse(&std::fs::read(&path).unwrap(), "r", &key()).unwrap();
        assert_eq!(contents.runs.len(), 2, "the refused run wrote nothing");
    }

    #[test]
    fn what_is_not_a_private_regular_file_is_refused_without_blocking() {
        let dir = TempDir::new("refuse");
        // A FIFO without a reader: a plain open for writing would wait forever.
        let fifo = dir.join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(refusal(&fifo).contains("is a FIFO"));

        let target = dir.join("target.jsonl");
        std::fs::write(&target, b"").unwrap();
        let link = dir.join("link.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(refusal(&link).contains("is a symbolic link"));

        assert!(refusal(&dir.0).contains("is a directory"));
        assert!(refusal(Path::new("/dev/full")).contains("is a character device"));

        let shared = dir.join("shared.jsonl");
        std::fs::write(&shared, b"").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o662)).unwrap();
        assert!(refusal(&shared).contains("other users can write to it (mode 0662)"));

        assert!(refusal(&dir.join("no/such/folder/r.jsonl")).contains("does not exist"));
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"",
            "nothing written through the link"
        );
    }

    #[test]
    fn a_record_that_ends_in_a_torn_line_takes_no_more() {
        let dir = TempDir::new("torn");
        let path = dir.join("r.jsonl");
        let mut record = Record::open(&path, key(), &header()).unwrap();
        record.intent(removal(1)).unwrap();
        drop(record);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 9]).unwrap();
        assert!(refusal(&path).contains("ends in a torn line"));
        let contents = parse(&std::fs::read(&path).unwrap(), "r", &key()).unwrap();
        assert!(contents.torn.is_some(), "nothing glued to the torn line");
        // A whole file takes a second run.
        std::fs::write(&path, &whole).unwrap();
        drop(Record::open(&path, key(), &header()).unwrap());
        let contents = parse(&std::fs::read(&path).unwrap(), "r", &key()).unwrap();
        assert_eq!(contents.runs.len(), 2);
    }

    #[test]
    fn a_folder_above_may_be_a_symbolic_link() {
        let dir = TempDir::new("above");
        std::fs::create_dir(dir.join("real")).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("state")).unwrap();
        Record::open(&dir.join("state/r.jsonl"), key(), &header()).unwrap();
        assert!(dir.join("real/r.jsonl").is_file());
    }

    #[test]
    fn after_a_failed_write_nothing_more_is_written() {
        let dir = TempDir::new("full");
        let path = dir.join("r.jsonl");
        let mut record = Record::open(&path, key(), &header()).unwrap();
        // The disk fills: every write from now on fails as /dev/full's do.
        record.file = OpenOptions::new().append(true).open("/dev/full").unwrap();
        let err = record.intent(removal(1)).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(
            err.to_string().contains("stopped before the next change"),
            "{err}"
        );
        record.file = OpenOptions::new().append(true).open(&path).unwrap();
        let err = record.outcome(1, Outcome::Done).unwrap_err();
        assert!(err.to_string().contains("an earlier write failed"), "{err}");
        let lines = std::fs::read(&path).unwrap();
        assert_eq!(
            lines.iter().filter(|&&b| b == b'\n').count(),
            1,
            "the header only"
        );
    }

    #[test]
    fn lines_appended_by_two_writers_at_once_stay_whole() {
        let dir = TempDir::new("append");
        let path = dir.join("r.jsonl");
        std::fs::write(&path, b"").unwrap();
        let writers: Vec<_> = [b'a', b'b']
            .into_iter()
            .map(|letter| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut file = OpenOptions::new().append(true).open(&path).unwrap();
                    let mut line = vec![letter; 3000];
                    line.push(b'\n');
                    for _ in 0..100 {
                        append_line(&mut file, &line).unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let text = std::fs::read(&path).unwrap();
        let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        assert_eq!(lines.len(), 201);
        for line in &lines[..200] {
            assert_eq!(line.len(), 3000);
            assert!(line.iter().all(|&b| b == line[0]), "a line glued from two");
        }
    }
}
