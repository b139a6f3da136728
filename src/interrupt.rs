//! SIGINT, SIGTERM and SIGHUP: the first one is only noted, so that a run ends with
//! everything accounted for; a second one ends the process at once.
//!
//! The handler does nothing but what is safe in a signal handler: it stores which
//! signal came in an atomic. A command asks [`received`] before each change and
//! starts none after it; the request in flight finishes (its outcome recorded), the
//! summary is printed, and the exit code is [`Signal::exit_code`]. A second signal (any
//! of the three) writes a fixed message, and what the command said it had left half
//! done ([`set_half_done`]), to stderr with `write(2)` and calls `_exit(2)`: no
//! summary, no unwinding; the record still holds every change announced.
//!
//! What a caller can rely on: the handlers are installed without `SA_RESTART`, so a
//! blocking system call may return `EINTR`, but ureq and rustls retry a read so
//! interrupted; a request in flight is therefore not cut short by the signal: it
//! finishes, or fails within `--timeout`. A wait before a retry should use
//! [`sleep_unless_interrupted`], which ends within 50 ms of the signal.

use std::io;
use std::ptr;
use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};
use std::time::{Duration, Instant};

/// The signal that came first; 0 while none has.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// What a second signal reports as left half done; null when nothing is.
static HALF_DONE: AtomicPtr<HalfDone> = AtomicPtr::new(ptr::null_mut());

const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];
const STOPPED: &[u8] = b"docspace-guest: interrupted again: stopped at once, without a summary; \
the record holds every change announced\n";
const HALF_DONE_PREFIX: &[u8] = b"docspace-guest: left half done: ";
/// How often an interruptible wait looks for a signal.
const SLICE: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
    Hangup,
}

impl Signal {
    /// 128 + the signal's number, as a shell reports a process the signal ended.
    pub fn exit_code(self) -> i32 {
        128 + self.number()
    }

    /// `SIGINT`, `SIGTERM`, `SIGHUP`: for the summary.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
        }
    }

    fn number(self) -> libc::c_int {
        match self {
            Signal::Interrupt => libc::SIGINT,
            Signal::Terminate => libc::SIGTERM,
            Signal::Hangup => libc::SIGHUP,
        }
    }
}

/// A fixed message naming what is half done, e.g. "guest … disabled but not deleted
/// (delete it with delete --permanent)". Static, so the handler may read it at any time.
pub struct HalfDone(pub &'static str);

/// Installs the handlers; once, before the first change.
pub fn install() -> io::Result<()> {
    for signal in SIGNALS {
        // SAFETY: a zeroed sigaction is a valid one (no flags, empty mask) before the
        // fields are set; the handler is an `extern "C" fn(c_int)`, as sa_sigaction
        // takes without SA_SIGINFO; sigemptyset/sigaddset/sigaction get valid pointers.
        let installed = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // No SA_RESTART (see above). The three are masked while the handler runs,
            // so a second one waits until the first has been stored.
            action.sa_flags = 0;
            libc::sigemptyset(&mut action.sa_mask);
            for other in SIGNALS {
                libc::sigaddset(&mut action.sa_mask, other);
            }
            libc::sigaction(signal, &action, ptr::null_mut())
        };
        if installed != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The first signal that came, if one has.
pub fn received() -> Option<Signal> {
    match RECEIVED.load(Ordering::SeqCst) {
        libc::SIGINT => Some(Signal::Interrupt),
        libc::SIGTERM => Some(Signal::Terminate),
        libc::SIGHUP => Some(Signal::Hangup),
        _ => None,
    }
}

/// Names what a second signal would leave half done (a started pair, such as a
/// disable before its delete); `None` once the pair is complete.
pub fn set_half_done(what: Option<&'static HalfDone>) {
    let pointer = what.map_or(ptr::null_mut(), |what| ptr::from_ref(what).cast_mut());
    HALF_DONE.store(pointer, Ordering::SeqCst);
}

/// Sleeps for `duration` unless a signal comes: `true` when the whole time passed,
/// `false` as soon as (within 50 ms) a signal has come, or had come before.
pub fn sleep_unless_interrupted(duration: Duration) -> bool {
    // None: so far ahead that it never comes.
    let end = Instant::now().checked_add(duration);
    loop {
        if received().is_some() {
            return false;
        }
        let left = end.map_or(SLICE, |end| end.saturating_duration_since(Instant::now()));
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(SLICE));
    }
}

extern "C" fn on_signal(signal: libc::c_int) {
    // Only atomics, write(2) and _exit(2) here: all async-signal-safe.
    if RECEIVED
        .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        return;
    }
    write_stderr(STOPPED);
    let half_done = HALF_DONE.load(Ordering::SeqCst);
    if !half_done.is_null() {
        // SAFETY: only `&'static HalfDone` are stored (set_half_done), never freed.
        let what = unsafe { &*half_done };
        write_stderr(HALF_DONE_PREFIX);
        write_stderr(what.0.as_bytes());
        write_stderr(b"\n");
    }
    // SAFETY: _exit ends the process at once, running nothing of the program's.
    unsafe { libc::_exit(128 + signal) }
}

fn write_stderr(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from a live slice to descriptor 2.
        let written = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(written) {
            Ok(n) if n > 0 => bytes = &bytes[n..],
            // EINTR: again; anything else (stderr closed): nothing more to do.
            _ if io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) => {}
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PAIR: HalfDone = HalfDone("guest g@example.org disabled but not deleted");

    /// One test for all of it: the handlers and what they store belong to the whole
    /// test process.
    #[test]
    fn a_first_signal_is_noted_and_a_second_ends_the_process_naming_what_is_half_done() {
        install().unwrap();
        assert_eq!(received(), None);
        assert!(sleep_unless_interrupted(Duration::from_millis(60)));

        // A second signal ends the process: in a child, which only makes
        // async-signal-safe calls between fork and its end.
        let mut pipe = [0; 2];
        // SAFETY: pipe, fork, dup2, raise, _exit, read and waitpid with valid
        // arguments; the child allocates nothing.
        unsafe {
            assert_eq!(libc::pipe(pipe.as_mut_ptr()), 0);
            let child = libc::fork();
            assert!(child >= 0);
            if child == 0 {
                libc::dup2(pipe[1], 2);
                set_half_done(Some(&PAIR));
                libc::raise(libc::SIGINT);
                libc::raise(libc::SIGTERM);
                libc::_exit(99);
            }
            libc::close(pipe[1]);
            let mut status = 0;
            assert_eq!(libc::waitpid(child, &mut status, 0), child);
            assert!(libc::WIFEXITED(status), "the child exited, not killed");
            assert_eq!(libc::WEXITSTATUS(status), 128 + libc::SIGTERM);
            let mut out = vec![0u8; 4096];
            let n = libc::read(pipe[0], out.as_mut_ptr().cast(), out.len());
            libc::close(pipe[0]);
            out.truncate(usize::try_from(n).unwrap());
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "docspace-guest: interrupted again: stopped at once, without a summary; \
                 the record holds every change announced\n\
                 docspace-guest: left half done: guest g@example.org disabled but not deleted\n"
            );
        }

        // SAFETY: raise with a signal whose handler is installed.
        assert_eq!(unsafe { libc::raise(libc::SIGINT) }, 0);
        assert_eq!(received(), Some(Signal::Interrupt));
        // Had it slept on, it would say the whole time passed.
        assert!(!sleep_unless_interrupted(Duration::from_secs(5)));
        assert!(!sleep_unless_interrupted(Duration::MAX));
        assert_eq!(
            [Signal::Interrupt, Signal::Terminate, Signal::Hangup].map(Signal::exit_code),
            [130, 143, 129]
        );
        assert_eq!(Signal::Hangup.name(), "SIGHUP");
    }
}
