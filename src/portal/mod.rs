//! DocSpace: its endpoints and what its answers mean. People (guests and users),
//! rooms and their members, the login history, the release, the sharing link, and
//! the refusals, in words that say what to do next.

pub mod answers;
pub mod link;
pub mod logins;
pub mod people;
pub mod release;
pub mod rooms;
