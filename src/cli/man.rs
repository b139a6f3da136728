//! docspace-guest(1) in roff: the manual, with every command, option, variable, file
//! rule and exit code. No date, so that the same source makes the same page.

use super::{ABOUT, CREDENTIAL_NOTE, VERSION, own_flags};
use crate::cli::flags::{COMMANDS, CommandDef, ENVIRONMENT, EXAMPLES, FILE_RULES, FLAGS};
use crate::cli::flags::{Flag, TakenBy};
use crate::error::Exit;

const DESCRIPTION: &str = "docspace-guest is a small command-line tool for the operations staff \
    of an ONLYOFFICE DocSpace portal. It approves a guest shared through a guest sharing link, \
    removes guests from your guest list or deletes their accounts, and reviews, disables and \
    expires guests by policy, from a shell or from cron. Its exit code tells a script what \
    happened. docspace-guest --help is the quick reference; this page is the manual.";

pub fn man_page() -> String {
    let mut page = format!(
        ".TH DOCSPACE-GUEST 1 \"\" \"docspace-guest {VERSION}\" \"User Commands\"\n\
         .SH NAME\ndocspace-guest \\- {}\n\
         .SH SYNOPSIS\n.B docspace-guest\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n\
         .SH DESCRIPTION\n{}",
        roff(ABOUT),
        roff_lines(DESCRIPTION)
    );
    page.push_str(".SH COMMANDS\n");
    page.extend(COMMANDS.iter().map(command));
    for (title, taken_by) in [
        ("CONNECTION OPTIONS", TakenBy::Connection),
        ("OUTPUT OPTIONS", TakenBy::Output),
    ] {
        page.push_str(&format!(".SH {title}\nEvery command takes these.\n"));
        page.extend(FLAGS.iter().filter(|f| f.taken_by == taken_by).map(flag));
    }
    page.push_str(&format!(".SH CREDENTIALS\n{}", roff_lines(CREDENTIAL_NOTE)));
    page.push_str(".SH ENVIRONMENT\n");
    page.extend(ENVIRONMENT.iter().map(|(name, text)| entry(name, text)));
    page.push_str(".SH FILES\n");
    page.extend(FILE_RULES.iter().map(|(name, text)| entry(name, text)));
    page.push_str(".SH EXIT STATUS\n");
    page.extend(
        Exit::ALL
            .iter()
            .map(|exit| entry(&exit.code().to_string(), exit.meaning())),
    );
    page.push_str(".SH EXAMPLES\n");
    for (what, commands) in EXAMPLES {
        page.push_str(&format!(".PP\n{}.PP\n.RS\n.nf\n", roff_lines(what)));
        page.extend(commands.lines().map(|line| roff(line) + "\n"));
        page.push_str(".fi\n.RE\n");
    }
    page.push_str(
        ".SH SEE ALSO\nREADME.md of docspace-guest; the DocSpace API: \
         https://api.onlyoffice.com/docspace/\n",
    );
    page
}

/// A command's section: its summary, usage, what it does, its own options and notes.
fn command(command: &CommandDef) -> String {
    let mut text = format!(
        ".SS {}\n{}\n.PP\n.B {}\n.PP\n{}",
        command.name,
        roff_lines(command.summary),
        roff(command.usage),
        roff_lines(command.about)
    );
    text.extend(own_flags(command.id).map(flag));
    if !command.after.is_empty() {
        text.push_str(&format!(".PP\n{}", roff_lines(command.after)));
    }
    text
}

fn flag(flag: &Flag) -> String {
    let long = roff(flag.long);
    let name = match (flag.short, flag.value) {
        (Some(c), _) => format!("\\fB\\-{c}\\fR, \\fB\\-\\-{long}\\fR"),
        (None, Some(value)) => format!("\\fB\\-\\-{long}\\fR \\fI{value}\\fR"),
        (None, None) => format!("\\fB\\-\\-{long}\\fR"),
    };
    format!(".TP\n{name}\n{}", roff_lines(&flag.help()))
}

/// A tagged paragraph: a variable, a file or an exit code, and what it means.
fn entry(name: &str, text: &str) -> String {
    format!(".TP\n.B {}\n{}", roff(name), roff_lines(text))
}

/// Text for roff: a line that starts with spaces (an example) stands on its own line.
fn roff_lines(text: &str) -> String {
    let mut out = String::new();
    let mut after_example = false;
    for line in text.lines() {
        let example = line.starts_with(' ');
        if example || after_example {
            out.push_str(".br\n");
        }
        after_example = example;
        out.push_str(&roff(line.trim_start()));
        out.push('\n');
    }
    out
}

fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_escapes_what_roff_would_read_as_commands() {
        assert_eq!(roff(".hidden"), "\\&.hidden");
        assert_eq!(roff("a-b \\ c"), "a\\-b \\e c");
    }
}
