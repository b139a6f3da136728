//! The one error type of the tool. Every failure ends here, and each kind has its
//! documented exit code, so scripts can tell "fix your input" from "try again later".

use std::fmt;

#[derive(Debug, Clone)]
pub enum Error {
    /// Bad command line, configuration or input. Nothing was sent.
    Usage(String),
    /// The portal refused the request or answered something the tool cannot use.
    Server(String),
    /// A local file or stream could not be read or written (standard output among them).
    Local(String),
    /// No usable answer arrived: DNS, connection, TLS, proxy or timeout.
    Network(String),
    /// The portal refused the credential or the permission (401/403).
    Denied(String),
    /// A batch of which some items were done and some were not.
    Partial(String),
    /// The portal asked to wait (429, or 503 with `Retry-After`) longer than the tool
    /// may: nothing more was sent; run again after the time the message names.
    Later(String),
    /// Standard output was closed by the reader (e.g. `| head`): stop quietly.
    OutputClosed,
}

impl Error {
    /// The exit codes listed in `--help` and the README.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::OutputClosed => 0,
            Error::Server(_) | Error::Local(_) => 1,
            Error::Usage(_) => 2,
            Error::Network(_) => 3,
            Error::Denied(_) => 4,
            Error::Partial(_) => 5,
            Error::Later(_) => 6,
        }
    }
}

impl Error {
    /// The same kind of error (and exit code) with `prefix` before its message.
    pub fn context(mut self, prefix: &str) -> Error {
        if let Some(message) = self.message_mut() {
            message.insert_str(0, prefix);
        }
        self
    }

    fn message_mut(&mut self) -> Option<&mut String> {
        match self {
            Error::Usage(msg)
            | Error::Server(msg)
            | Error::Local(msg)
            | Error::Network(msg)
            | Error::Denied(msg)
            | Error::Partial(msg)
            | Error::Later(msg) => Some(msg),
            Error::OutputClosed => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg)
            | Error::Server(msg)
            | Error::Local(msg)
            | Error::Network(msg)
            | Error::Denied(msg)
            | Error::Partial(msg)
            | Error::Later(msg) => f.write_str(msg),
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
            Error::Local(format!("cannot write the output: {err}"))
        }
    }
}
