//! The one error type of the tool. Every failure ends here, and each kind has its
//! documented exit code, so scripts can tell "fix your input" from "try again later".

use std::fmt;

use crate::interrupt::Signal;

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
    /// A change command stopped at a signal, after its summary: exit 128 + the signal.
    Interrupted(Signal, String),
}

/// The exit codes, each defined here once with what it means: errors map to them,
/// and `--help` and the man page list them (a test holds the README to `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failed = 1,
    Usage = 2,
    Network = 3,
    Denied = 4,
    Partial = 5,
    Later = 6,
    Hangup = 129,
    Interrupt = 130,
    Terminate = 143,
}

impl Exit {
    /// In the order `--help` lists them.
    pub const ALL: [Exit; 10] = [
        Exit::Ok,
        Exit::Failed,
        Exit::Usage,
        Exit::Network,
        Exit::Denied,
        Exit::Partial,
        Exit::Later,
        Exit::Hangup,
        Exit::Interrupt,
        Exit::Terminate,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Failed => {
                "the portal refused or answered something unusable, or local I/O failed"
            }
            Exit::Usage => "usage or invalid input (nothing was sent)",
            Exit::Network => "network, TLS or timeout",
            Exit::Denied => "authentication or permission refused (401/403)",
            Exit::Partial => "partly done (some items of a batch failed)",
            Exit::Later => {
                "the portal asked to wait longer than --max-wait (rate limit): run again later"
            }
            Exit::Hangup => "stopped by SIGHUP: every item is accounted for in the summary",
            Exit::Interrupt => {
                "stopped by SIGINT (Ctrl-C): every item is accounted for in the summary"
            }
            Exit::Terminate => "stopped by SIGTERM: every item is accounted for in the summary",
        }
    }
}

impl Error {
    pub fn exit(&self) -> Exit {
        match self {
            Error::OutputClosed => Exit::Ok,
            Error::Server(_) | Error::Local(_) => Exit::Failed,
            Error::Usage(_) => Exit::Usage,
            Error::Network(_) => Exit::Network,
            Error::Denied(_) => Exit::Denied,
            Error::Partial(_) => Exit::Partial,
            Error::Later(_) => Exit::Later,
            Error::Interrupted(signal, _) => match signal {
                Signal::Hangup => Exit::Hangup,
                Signal::Interrupt => Exit::Interrupt,
                Signal::Terminate => Exit::Terminate,
            },
        }
    }

    /// The process's exit code for this error.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.exit().code())
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
            | Error::Later(msg)
            | Error::Interrupted(_, msg) => Some(msg),
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
            | Error::Later(msg)
            | Error::Interrupted(_, msg) => f.write_str(msg),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_code_is_listed_once_in_order() {
        for (i, exit) in Exit::ALL[..7].iter().enumerate() {
            assert_eq!(usize::from(exit.code()), i, "{exit:?}");
        }
        // The signals': 128 + the signal's number, as a shell reports them.
        for (exit, signal) in
            Exit::ALL[7..]
                .iter()
                .zip([Signal::Hangup, Signal::Interrupt, Signal::Terminate])
        {
            assert_eq!(i32::from(exit.code()), signal.exit_code(), "{exit:?}");
        }
        let errors = [
            Error::Usage(String::new()),
            Error::Server(String::new()),
            Error::Local(String::new()),
            Error::Network(String::new()),
            Error::Denied(String::new()),
            Error::Partial(String::new()),
            Error::Later(String::new()),
            Error::OutputClosed,
            Error::Interrupted(Signal::Terminate, String::new()),
        ];
        for error in errors {
            assert!(Exit::ALL.contains(&error.exit()), "{error:?}");
        }
    }
}
