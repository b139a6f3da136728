//! The write-ahead record of the changes a run makes to the portal: what belongs here
//! is the record file itself (where it goes, how it is opened, locked and written,
//! what a line holds, how a line is told from one the tool did not write) and the
//! reader that `restore` uses. What a command changes and how it asks the portal
//! stays with the command: it hands this module a [`Change`] before each request and
//! an [`Outcome`] after the answer.
//!
//! A run goes like this:
//!
//! ```text
//! let header = Header::new(portal, "revoke", caller)?;
//! let path = location::default_path(&header)?;          // or --record FILE
//! let key = RecordKey::load_or_create(&location::key_path()?)?;
//! let mut record = Record::open(&path, key, &header)?;  // checked, locked, header synced
//! let seq = record.intent(Change::RoomRemove { .. })?;  // synced before the request
//! /* the request */
//! record.outcome(seq, Outcome::Done)?;
//! ```
//!
//! # Integrity: what the MAC does and does not protect
//!
//! Each line ends with an HMAC-SHA256 over the rest of it, keyed by a record key of 32
//! random bytes that the tool creates once, `0600`, beside the `records/` folder
//! (`record.key`). It is not the API key, so a record still restores after the API key
//! is rotated. With it, `restore` tells a line a person added or edited from one the
//! tool wrote, and refuses the file before anything is sent.
//!
//! It does not protect against anyone who can read the key file (the same user, root,
//! a backup of the state folder): they can write lines that pass. Nor does it detect
//! lines removed from the end (a truncated file looks like a run that stopped there);
//! lines removed from the middle are found, since every line of a run carries the next
//! sequence number after its header's 0. A line copied whole from another run is that
//! run's own line and is read as such.

mod key;
mod line;
pub mod location;
mod open;
mod reader;
mod writer;

pub use key::RecordKey;
pub use line::{Change, Header, Outcome, Status};
pub use reader::{Contents, State, parse, read};
pub use writer::Record;
