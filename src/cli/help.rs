//! `--help` and each command's help: the quick reference, in plain text.

use super::{ABOUT, CREDENTIAL_NOTE, own_flags};
use crate::cli::flags::{COMMANDS, CommandDef, FLAGS, Flag, TakenBy};
use crate::error::Exit;

pub fn help() -> String {
    let commands: String = COMMANDS
        .iter()
        .map(|command| format!("  {:<13}{}\n", command.name, command.summary))
        .collect();
    let section = |taken_by| options(FLAGS.iter().filter(|f| f.taken_by == taken_by));
    let exit_codes: String = Exit::ALL
        .iter()
        .map(|exit| format!("  {:<3}  {}\n", exit.code(), exit.meaning()))
        .collect();
    format!(
        "docspace-guest: {ABOUT}\n\n\
         Usage: docspace-guest <COMMAND> [OPTIONS]\n\n\
         Commands:\n{commands}\n\
         Connection (every command):\n{}\n\
         Output (every command):\n{}\n\
         {CREDENTIAL_NOTE}\n\n\
         Exit codes:\n{exit_codes}",
        section(TakenBy::Connection),
        section(TakenBy::Output),
    )
}

pub fn command_help(command: &CommandDef) -> String {
    let mut text = format!(
        "docspace-guest {}: {}\n\nUsage: {}\n\n{}\n",
        command.name, command.summary, command.usage, command.about
    );
    let own = options(own_flags(command.id));
    if !own.is_empty() {
        text.push_str(&format!("\nOptions:\n{own}"));
    }
    if !command.after.is_empty() {
        text.push_str(&format!("\n{}\n", command.after));
    }
    text.push_str("\nConnection and output options: docspace-guest --help\n");
    text
}

/// Flags and their help, the help in a column after the longest flag.
fn options(flags: impl Iterator<Item = &'static Flag> + Clone) -> String {
    let width = flags.clone().map(|f| f.synopsis().len()).max().unwrap_or(0) + 3;
    let mut text = String::new();
    for flag in flags {
        let help = flag.help();
        let mut lines = help.lines();
        let first = lines.next().unwrap_or_default();
        text.push_str(&format!("  {:<width$}{first}\n", flag.synopsis()));
        for line in lines {
            text.push_str(&format!("  {:width$}{line}\n", ""));
        }
    }
    text
}
