//! The one error type of the tool. Every failure ends here, and each kind has its
//! documented exit code, so scripts can tell "fix your input" from "try again later".

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// Bad command line, configuration or input. Nothing was sent.
    Usage(String),
    /// The portal refused the request or answered something the tool cannot use.
    Server(String),
    /// No usable answer arrived: DNS, connection, TLS, proxy or timeout.
    Network(String),
    /// The portal refused the credential or the permission (401/403).
    Denied(String),
    /// Standard output was closed by the reader (e.g. `| head`): stop quietly.
    OutputClosed,
}

impl Error {
    /// The exit codes listed in `--help` and the README.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::OutputClosed => 0,
            Error::Server(_) => 1,
            Error::Usage(_) => 2,
            Error::Network(_) => 3,
            Error::Denied(_) => 4,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg) | Error::Server(msg) | Error::Network(msg) | Error::Denied(msg) => {
                f.write_str(msg)
            }
            Error::OutputClosed => f.write_str("standard output was closed"),
        }
    }
}

impl std::error::Error for Error {}

/// Writing to stdout fails only when the reader went away; that is not an error
/// of the tool, so it ends quietly instead of panicking like `println!` would.
impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Error::OutputClosed
        } else {
            Error::Server(format!("cannot write the output: {err}"))
        }
    }
}
