//! The command line: every command and flag, defined once in the table of `flags`; the
//! parser (`parse`), which turns the arguments into a `commands::Command` by that table;
//! and everything the tool says about itself, written from the same table: `--help` and
//! each command's help (`help`), the man page (`man`) and the bash, zsh and fish
//! completions. The completion scripts are templates in `templates/`, with `!NAME!`
//! where the table's commands and flags go, so that they read as the shell sees them.

mod bash;
pub mod config_file;
mod fish;
pub mod flags;
mod help;
mod man;
mod parse;
mod zsh;

use crate::cli::flags::{COMMANDS, CommandId, FLAGS, Flag, TakenBy};

pub use help::{command_help, help};
pub use man::man_page;
pub use parse::*;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const ABOUT: &str = "approve and remove guest users of an ONLYOFFICE DocSpace portal, and keep \
                     its guests clean by policy";

/// What `--help` says after the options, and the man page's CREDENTIALS.
const CREDENTIAL_NOTE: &str = "\
The credential is never taken on the command line. An sk- API key or an OAuth
JWT is sent as 'Bearer <key>', a value that starts with 'Bearer ' or 'Basic '
as it is, anything else (a login token) raw. HTTPS_PROXY, HTTP_PROXY,
ALL_PROXY and NO_PROXY are honoured, but the key never crosses a proxy in
clear text: a plain http:// portal on loopback is always reached directly, and
one elsewhere is refused when a proxy variable applies to it.";

/// The completion script for `shell`, or `None` for a shell it does not know.
pub fn completions(shell: &str) -> Option<String> {
    match shell {
        "bash" => Some(bash::script()),
        "zsh" => Some(zsh::script()),
        "fish" => Some(fish::script()),
        _ => None,
    }
}

/// `template` with each `!NAME!` replaced by its text. A placeholder that stands for
/// lines gets them joined by line ends, without a last one: the template has it.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(&format!("!{name}!"), value);
    }
    text
}

/// The flags every command takes.
fn common_flags() -> impl Iterator<Item = &'static Flag> {
    FLAGS
        .iter()
        .filter(|f| matches!(f.taken_by, TakenBy::Connection | TakenBy::Output))
}

/// The flags of `command` alone (or of a few commands), not the common ones.
fn own_flags(command: CommandId) -> impl Iterator<Item = &'static Flag> + Clone {
    FLAGS.iter().filter(move |f| f.is_own_of(command))
}

/// "approve delete run ...", for the shells.
fn command_names() -> String {
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    names.join(" ")
}

/// The first line of a flag's help, for the shells' one-line descriptions.
fn summary(flag: &Flag) -> String {
    flag.help().lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_is_in_the_help_and_the_manual() {
        let mut help = help();
        for command in COMMANDS {
            help.push_str(&command_help(command));
        }
        let man = man_page();
        for flag in FLAGS {
            assert!(
                help.contains(&flag.synopsis()),
                "--help lacks {}",
                flag.long
            );
            assert!(
                man.contains(&format!("\\-\\-{}", flag.long.replace('-', "\\-"))),
                "the man page lacks {}",
                flag.long
            );
        }
    }

    #[test]
    fn every_placeholder_of_the_templates_is_filled() {
        for shell in ["bash", "zsh", "fish"] {
            let script = completions(shell).unwrap();
            let words = script.split(|c: char| !c.is_ascii_uppercase() && c != '_' && c != '!');
            let left = words.filter(|w| w.len() > 2 && w.starts_with('!') && w.ends_with('!'));
            assert_eq!(left.count(), 0, "{shell}: {script}");
        }
    }

    #[test]
    fn defaults_are_shown_from_the_table() {
        let help = help();
        assert!(help.contains("after SECS seconds [default: 30]"), "{help}");
        assert!(!help.contains("{default}"), "{help}");
        assert!(man_page().contains("[default: 50; 0 = no limit]"));
    }
}
