//! Everything the tool says about itself, written from the table in `flags`: `--help`,
//! each command's help, the man page (`docspace-guest man`) and the bash, zsh and fish
//! completions (`docspace-guest completions SHELL`).

use std::fmt::Write;

use crate::flags::{COMMANDS, CommandDef, ENVIRONMENT, EXAMPLES, EXIT_CODES, FILE_RULES, FLAGS};
use crate::flags::{Flag, Kind, Scope};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const ABOUT: &str = "approve and remove guest users of an ONLYOFFICE DocSpace portal, and keep \
                     its guests clean by policy";

/// What `--help` says after the options.
const CREDENTIAL_NOTE: &str = "\
The credential is never taken on the command line. An sk- API key or an OAuth
JWT is sent as 'Bearer <key>', a value that starts with 'Bearer ' or 'Basic '
as it is, anything else (a login token) raw. HTTPS_PROXY, HTTP_PROXY,
ALL_PROXY and NO_PROXY are honoured.";

pub fn help() -> String {
    let mut text = format!(
        "docspace-guest: {ABOUT}\n\nUsage: docspace-guest <COMMAND> [OPTIONS]\n\nCommands:\n"
    );
    for command in COMMANDS {
        let _ = writeln!(text, "  {:<13}{}", command.name, command.summary);
    }
    for (title, scope) in [
        ("Connection (every command)", Scope::Connection),
        ("Output (every command)", Scope::Output),
    ] {
        let _ = writeln!(text, "\n{title}:");
        text.push_str(&options(FLAGS.iter().filter(|f| f.scope == scope)));
    }
    let _ = writeln!(text, "\n{CREDENTIAL_NOTE}\n\nExit codes:");
    for (code, meaning) in EXIT_CODES {
        let _ = writeln!(text, "  {code}  {meaning}");
    }
    text
}

pub fn command_help(command: &CommandDef) -> String {
    let mut text = format!(
        "docspace-guest {}: {}\n\nUsage: {}\n\n{}\n",
        command.name, command.summary, command.usage, command.about
    );
    let own: Vec<&Flag> = FLAGS
        .iter()
        .filter(|f| matches!(f.scope, Scope::Only(names) if names.contains(&command.name)))
        .collect();
    if !own.is_empty() {
        text.push_str("\nOptions:\n");
        text.push_str(&options(own.into_iter()));
    }
    if !command.after.is_empty() {
        let _ = writeln!(text, "\n{}", command.after);
    }
    text.push_str("\nConnection and output options: docspace-guest --help\n");
    text
}

/// Flags and their help, the help in a column after the longest flag.
fn options<'a>(flags: impl Iterator<Item = &'a Flag> + Clone) -> String {
    let width = flags.clone().map(|f| f.synopsis().len()).max().unwrap_or(0) + 3;
    let mut text = String::new();
    for flag in flags {
        let mut lines = flag.help.lines();
        let first = lines.next().unwrap_or_default();
        let _ = writeln!(text, "  {:<width$}{first}", flag.synopsis());
        for line in lines {
            let _ = writeln!(text, "  {:width$}{line}", "");
        }
    }
    text
}

/// docspace-guest(1) in roff. No date, so that the same source makes the same page.
pub fn man_page() -> String {
    let mut page = format!(
        ".TH DOCSPACE-GUEST 1 \"\" \"docspace-guest {VERSION}\" \"User Commands\"\n\
         .SH NAME\ndocspace-guest \\- {}\n\
         .SH SYNOPSIS\n.B docspace-guest\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n\
         .SH DESCRIPTION\n",
        roff(ABOUT)
    );
    page.push_str(&roff_lines(
        "docspace-guest is a small command-line tool for the operations staff of an \
         ONLYOFFICE DocSpace portal. It approves a guest shared through a guest sharing \
         link, removes guests from your guest list or deletes their accounts, and reviews, \
         disables and expires guests by policy, from a shell or from cron. Its exit code \
         tells a script what happened. docspace-guest --help is the quick reference; this \
         page is the manual.",
    ));
    page.push_str(".SH COMMANDS\n");
    for command in COMMANDS {
        let _ = writeln!(
            page,
            ".SS {}\n{}",
            command.name,
            roff_lines(command.summary)
        );
        let _ = writeln!(page, ".PP\n.B {}", roff(command.usage));
        let _ = write!(page, ".PP\n{}", roff_lines(command.about));
        for flag in FLAGS
            .iter()
            .filter(|f| matches!(f.scope, Scope::Only(names) if names.contains(&command.name)))
        {
            page.push_str(&man_flag(flag));
        }
        if !command.after.is_empty() {
            let _ = write!(page, ".PP\n{}", roff_lines(command.after));
        }
    }
    for (title, scope) in [
        ("CONNECTION OPTIONS", Scope::Connection),
        ("OUTPUT OPTIONS", Scope::Output),
    ] {
        let _ = writeln!(page, ".SH {title}\nEvery command takes these.");
        for flag in FLAGS.iter().filter(|f| f.scope == scope) {
            page.push_str(&man_flag(flag));
        }
    }
    let _ = write!(page, ".SH CREDENTIALS\n{}", roff_lines(CREDENTIAL_NOTE));
    page.push_str(".SH ENVIRONMENT\n");
    for (name, meaning) in ENVIRONMENT {
        let _ = write!(page, ".TP\n.B {}\n{}", roff(name), roff_lines(meaning));
    }
    page.push_str(".SH FILES\n");
    for (name, rules) in FILE_RULES {
        let _ = write!(page, ".TP\n.B {}\n{}", roff(name), roff_lines(rules));
    }
    page.push_str(".SH EXIT STATUS\n");
    for (code, meaning) in EXIT_CODES {
        let _ = write!(page, ".TP\n.B {code}\n{}", roff_lines(meaning));
    }
    page.push_str(".SH EXAMPLES\n");
    for (what, commands) in EXAMPLES {
        let _ = write!(page, ".PP\n{}.PP\n.RS\n.nf\n", roff_lines(what));
        for line in commands.lines() {
            let _ = writeln!(page, "{}", roff(line));
        }
        page.push_str(".fi\n.RE\n");
    }
    page.push_str(
        ".SH SEE ALSO\nREADME.md of docspace-guest; the DocSpace API: \
         https://api.onlyoffice.com/docspace/\n",
    );
    page
}

fn man_flag(flag: &Flag) -> String {
    let name = match (flag.short, flag.value) {
        (Some(c), _) => format!("\\fB\\-{c}\\fR, \\fB\\-\\-{}\\fR", roff(flag.long)),
        (None, Some(value)) => format!("\\fB\\-\\-{}\\fR \\fI{value}\\fR", roff(flag.long)),
        (None, None) => format!("\\fB\\-\\-{}\\fR", roff(flag.long)),
    };
    format!(".TP\n{name}\n{}", roff_lines(flag.help))
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
        let _ = writeln!(out, "{}", roff(line.trim_start()));
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

/// The flags that take a value, as the shells must skip them to find the command.
fn valued() -> impl Iterator<Item = &'static Flag> {
    FLAGS.iter().filter(|f| f.value.is_some())
}

fn names_of(flags: impl Iterator<Item = &'static Flag>) -> String {
    let mut names = Vec::new();
    for flag in flags {
        if let Some(c) = flag.short {
            names.push(format!("-{c}"));
        }
        names.push(format!("--{}", flag.long));
    }
    names.join(" ")
}

fn command_names() -> String {
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    names.join(" ")
}

/// The completion script for `shell`, or `None` for a shell it does not know.
pub fn completions(shell: &str) -> Option<String> {
    match shell {
        "bash" => Some(bash()),
        "zsh" => Some(zsh()),
        "fish" => Some(fish()),
        _ => None,
    }
}

fn bash() -> String {
    let joined = |kind: fn(&Kind) -> bool| {
        let names: Vec<String> = FLAGS
            .iter()
            .filter(|f| kind(&f.kind))
            .map(|f| format!("--{}", f.long))
            .collect();
        names.join("|")
    };
    let mut script = format!(
        "# bash completion for docspace-guest {VERSION} (docspace-guest completions bash)\n\
         _docspace_guest() {{\n\
         \x20   local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}\n\
         \x20   case $prev in\n\
         \x20       {}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
        joined(|k| *k == Kind::File)
    );
    for flag in FLAGS {
        if let Kind::Choice(values) = flag.kind {
            let _ = writeln!(
                script,
                "        --{}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;",
                flag.long,
                values.join(" ")
            );
        }
    }
    let _ = write!(
        script,
        "        {}) return ;;\n    esac\n\
         \x20   local i command=\n\
         \x20   for ((i = 1; i < COMP_CWORD; i++)); do\n\
         \x20       case ${{COMP_WORDS[i]}} in\n\
         \x20           {}) ((i++)) ;;\n\
         \x20           -*) ;;\n\
         \x20           *) command=${{COMP_WORDS[i]}}; break ;;\n\
         \x20       esac\n\
         \x20   done\n\
         \x20   local common=\"{}\" words\n\
         \x20   case $command in\n\
         \x20       '') if [[ $cur == -* ]]; then words=$common; else words=\"{}\"; fi ;;\n\
         \x20       completions) words=\"{}\" ;;\n\
         \x20       help) words=\"{}\" ;;\n",
        joined(|k| matches!(k, Kind::Text | Kind::Number)),
        valued()
            .map(|f| format!("--{}", f.long))
            .collect::<Vec<_>>()
            .join("|"),
        names_of(
            FLAGS
                .iter()
                .filter(|f| matches!(f.scope, Scope::Connection | Scope::Output))
        ),
        command_names(),
        crate::flags::SHELLS.join(" "),
        command_names(),
    );
    for command in COMMANDS {
        let own = names_of(
            FLAGS
                .iter()
                .filter(|f| matches!(f.scope, Scope::Only(n) if n.contains(&command.name))),
        );
        if !own.is_empty() {
            let _ = writeln!(
                script,
                "        {}) words=\"{own} $common\" ;;",
                command.name
            );
        }
    }
    script.push_str(
        "        *) words=$common ;;\n    esac\n\
         \x20   COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n\
         complete -F _docspace_guest docspace-guest\n",
    );
    script
}

/// The first line of a flag's help, for the shells' one-line descriptions.
fn summary(help: &str) -> &str {
    help.lines().next().unwrap_or_default()
}

fn zsh() -> String {
    let spec = |flag: &Flag| {
        let describe = summary(flag.help)
            .replace('\'', "'\\''")
            .replace('[', "\\[")
            .replace(']', "\\]")
            .replace(':', "\\:");
        let value = match (flag.value, flag.kind) {
            (None, _) => String::new(),
            (Some(name), Kind::File) => format!(":{name}:_files"),
            (Some(name), Kind::Choice(values)) => format!(":{name}:({})", values.join(" ")),
            (Some(name), _) => format!(":{name}: "),
        };
        let mut specs = vec![format!("'--{}[{describe}]{value}'", flag.long)];
        if let Some(c) = flag.short {
            specs.push(format!("'-{c}[{describe}]{value}'"));
        }
        specs.join(" ")
    };
    let mut script = format!(
        "#compdef docspace-guest\n\
         # zsh completion for docspace-guest {VERSION} (docspace-guest completions zsh)\n\
         _docspace_guest() {{\n\
         \x20 local -a commands common\n\
         \x20 commands=(\n"
    );
    for command in COMMANDS {
        let _ = writeln!(
            script,
            "    '{}:{}'",
            command.name,
            command.summary.replace('\'', "'\\''").replace(':', "\\:")
        );
    }
    script.push_str("  )\n  common=(\n");
    for flag in FLAGS
        .iter()
        .filter(|f| matches!(f.scope, Scope::Connection | Scope::Output))
    {
        let _ = writeln!(script, "    {}", spec(flag));
    }
    script.push_str(
        "  )\n\
         \x20 if (( CURRENT == 2 )); then\n\
         \x20   _describe -t commands 'docspace-guest command' commands\n\
         \x20   return\n\
         \x20 fi\n\
         \x20 local command=$words[2]\n\
         \x20 shift words\n\
         \x20 (( CURRENT-- ))\n\
         \x20 case $command in\n",
    );
    let _ = writeln!(
        script,
        "    completions) _values 'shell' {} ;;\n    help) _describe -t commands 'command' commands ;;",
        crate::flags::SHELLS.join(" ")
    );
    for command in COMMANDS {
        let own: Vec<String> = FLAGS
            .iter()
            .filter(|f| matches!(f.scope, Scope::Only(n) if n.contains(&command.name)))
            .map(spec)
            .collect();
        let _ = writeln!(
            script,
            "    {}) _arguments -s $common {} '*:argument: ' ;;",
            command.name,
            own.join(" ")
        );
    }
    // Autoloaded from fpath it completes; sourced (after compinit) it registers itself.
    script.push_str(
        "  esac\n}\n\
         if [ \"$funcstack[1]\" = \"_docspace_guest\" ]; then\n\
         \x20 _docspace_guest \"$@\"\n\
         else\n\
         \x20 compdef _docspace_guest docspace-guest\n\
         fi\n",
    );
    script
}

fn fish() -> String {
    let mut script = format!(
        "# fish completion for docspace-guest {VERSION} (docspace-guest completions fish)\n\
         complete -c docspace-guest -f\n"
    );
    for command in COMMANDS {
        let _ = writeln!(
            script,
            "complete -c docspace-guest -n __fish_use_subcommand -a {} -d '{}'",
            command.name,
            command.summary.replace('\'', "\\'")
        );
    }
    let _ = writeln!(
        script,
        "complete -c docspace-guest -n '__fish_seen_subcommand_from completions' -a '{}'\n\
         complete -c docspace-guest -n '__fish_seen_subcommand_from help' -a '{}'",
        crate::flags::SHELLS.join(" "),
        command_names()
    );
    for flag in FLAGS {
        let mut line = String::from("complete -c docspace-guest");
        if let Scope::Only(names) = flag.scope {
            let _ = write!(
                line,
                " -n '__fish_seen_subcommand_from {}'",
                names.join(" ")
            );
        }
        let _ = write!(line, " -l {}", flag.long);
        if let Some(c) = flag.short {
            let _ = write!(line, " -s {c}");
        }
        match flag.kind {
            Kind::Switch => {}
            Kind::File => line.push_str(" -r -F"),
            Kind::Choice(values) => {
                let _ = write!(line, " -x -a '{}'", values.join(" "));
            }
            Kind::Text | Kind::Number => line.push_str(" -x"),
        }
        let _ = writeln!(line, " -d '{}'", summary(flag.help).replace('\'', "\\'"));
        script.push_str(&line);
    }
    script
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
                man.contains(&format!("\\-\\-{}", roff(flag.long))),
                "the man page lacks {}",
                flag.long
            );
        }
    }

    #[test]
    fn roff_escapes_what_roff_would_read_as_commands() {
        assert_eq!(roff(".hidden"), "\\&.hidden");
        assert_eq!(roff("a-b \\ c"), "a\\-b \\e c");
    }
}
