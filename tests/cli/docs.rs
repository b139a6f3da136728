//! The documentation: --help and --version, the man page, the shell completions,
//! README.md and docs/ in step with --help, their links, and docs/architecture.md's map
//! of the modules.

use std::process::Command;

use crate::util::{tool, write_temp};

/// Every command that has a --help of its own.
const COMMANDS: [&str; 13] = [
    "approve",
    "delete",
    "run",
    "list",
    "share-link",
    "whoami",
    "review",
    "expire",
    "disable",
    "enable",
    "access",
    "revoke",
    "restore",
];

#[test]
fn help_and_version() {
    let out = tool(&["--help"]).run();
    out.assert_exit(0);
    out.assert_stdout_has("Exit codes:");
    for command in COMMANDS {
        let direct = tool(&[command, "--help"]).run();
        direct.assert_exit(0);
        direct.assert_stdout_has(&format!("Usage: docspace-guest {command}"));
        assert_eq!(tool(&["help", command]).run().stdout, direct.stdout);
    }
    let out = tool(&["--version"]).run();
    out.assert_exit(0);
    assert_eq!(
        out.stdout,
        format!("docspace-guest {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// --help, then each command's --help.
fn all_help() -> String {
    let mut help = tool(&["--help"]).run().stdout;
    for command in COMMANDS {
        help.push_str(&tool(&[command, "--help"]).run().stdout);
    }
    help
}

/// Runs `script` in `shell` and returns its stdout, which must succeed.
fn shell(shell: &str, args: &[&str]) -> String {
    let out = Command::new(shell)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{shell} is needed for this test (make test-deps): {e}"));
    assert!(
        out.status.success(),
        "{shell} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completes_commands_options_values_and_files() {
    let script = write_temp(
        "docspace-guest.bash",
        tool(&["completions", "bash"]).run().stdout,
    );
    let dir = write_temp("leavers.txt", "");
    let dir = dir.parent().unwrap().to_str().unwrap();
    let complete = |words: &[&str]| -> Vec<String> {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let line = format!(
            "source '{}' && complete -p docspace-guest >/dev/null && COMP_WORDS=({}) && \
             COMP_CWORD={} && _docspace_guest && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display(),
            quoted.join(" "),
            words.len() - 1
        );
        shell("bash", &["--norc", "--noprofile", "-c", &line])
            .lines()
            .map(String::from)
            .collect()
    };
    assert_eq!(complete(&["docspace-guest", "del"]), ["delete"]);
    assert_eq!(
        complete(&["docspace-guest", "expire", "--act"]),
        ["--action"]
    );
    assert_eq!(
        complete(&["docspace-guest", "expire", "--action", ""]),
        ["remove", "disable", "delete", "revoke"]
    );
    assert_eq!(
        complete(&["docspace-guest", "list", "--status", "p"]),
        ["pending"]
    );
    assert_eq!(
        complete(&["docspace-guest", "--url", "https://p", "revi"]),
        ["review"],
        "a flag's value is not taken for the command"
    );
    assert_eq!(complete(&["docspace-guest", "approve", "--li"]), ["--link"]);
    assert!(complete(&["docspace-guest", "approve", "--"]).contains(&"--timeout".to_string()));
    assert_eq!(complete(&["docspace-guest", "completions", "z"]), ["zsh"]);
    assert_eq!(
        complete(&["docspace-guest", "delete", "--from", &format!("{dir}/lea")]),
        [format!("{dir}/leavers.txt")]
    );
}

#[test]
fn zsh_and_fish_completions_load() {
    let zsh = write_temp(
        "_docspace-guest",
        tool(&["completions", "zsh"]).run().stdout,
    );
    let zsh = zsh.to_str().unwrap();
    shell("zsh", &["-n", zsh]);
    let registered = shell(
        "zsh",
        &[
            "-f",
            "-c",
            &format!(
                "autoload -Uz compinit && compinit -u -D && source {zsh} && print ${{_comps[docspace-guest]}}"
            ),
        ],
    );
    assert_eq!(registered.trim(), "_docspace_guest");

    let fish = write_temp(
        "docspace-guest.fish",
        tool(&["completions", "fish"]).run().stdout,
    );
    let fish = fish.to_str().unwrap();
    shell("fish", &["-n", fish]);
    let offered = shell(
        "fish",
        &[
            "-c",
            &format!("source {fish}; complete -C 'docspace-guest del'"),
        ],
    );
    assert!(offered.starts_with("delete\t"), "{offered}");
    let offered = shell(
        "fish",
        &[
            "-c",
            &format!("source {fish}; complete -C 'docspace-guest expire --action '"),
        ],
    );
    let mut values: Vec<&str> = offered
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    values.sort();
    assert_eq!(values, ["delete", "disable", "remove", "revoke"]);
    tool(&["completions", "tcsh"])
        .run()
        .assert_usage_error("completions needs one shell: bash, zsh or fish");
}

#[test]
fn the_man_page_has_every_option_and_section_of_the_help() {
    let man = tool(&["man"]).run().stdout;
    assert!(man.starts_with(".TH DOCSPACE-GUEST 1 "));
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "COMMANDS",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
        "EXAMPLES",
    ] {
        assert!(man.contains(&format!(".SH {section}\n")), "no {section}");
    }
    for command in COMMANDS {
        assert!(man.contains(&format!(".SS {command}\n")), "no {command}");
    }
    // Each line of --help's options and exit codes is in the manual, in roff's words.
    let help = all_help();
    let plain: std::collections::HashSet<String> = man
        .lines()
        .map(|l| {
            l.replace("\\-", "-")
                .replace("\\e", "\\")
                .replace("\\&", "")
                .replace("\\fB", "")
                .replace("\\fR", "")
                .replace("\\fI", "")
                .trim()
                .to_string()
        })
        .collect();
    for line in help.lines().filter(|l| l.starts_with("  ")) {
        // What follows the flag, command or exit-code column.
        let text = line.trim();
        let text = match text.split_once("  ") {
            // A flag, a command's name or an exit code.
            Some((column, rest))
                if column.starts_with('-')
                    || column
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
            {
                rest.trim()
            }
            _ => text,
        };
        assert!(
            plain.contains(text),
            "the man page lacks the --help line {line:?} ({text:?})"
        );
    }
    // man can read it.
    let file = write_temp("docspace-guest.1", &man);
    let shown = shell("man", &["-l", "-Tutf8", file.to_str().unwrap()]);
    assert!(shown.contains("network, TLS or timeout"), "{shown}");
}

/// README.md, then each docs/*.md, as (path from the repository's root, text).
pub(super) fn documents() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ is there")
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    names.sort();
    names.insert(0, "README.md".into());
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(root.join(&name)).unwrap();
            (name, text)
        })
        .collect()
}

/// Whether `text` names `flag` as itself: `--max` is not named by `--max-wait`.
fn names_flag(text: &str, flag: &str) -> bool {
    text.match_indices(flag).any(|(at, _)| {
        !text[at + flag.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// The documents name every flag that --help lists, and the README has the exit codes.
#[test]
fn readme_and_help_are_in_step() {
    let documents = documents();
    let help = all_help();
    let flags: std::collections::BTreeSet<&str> = help
        .split(|c: char| c.is_whitespace() || ",[]():'.".contains(c))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    assert!(flags.len() >= 10, "{flags:?}");
    for flag in flags {
        assert!(
            documents.iter().any(|(_, text)| names_flag(text, flag)),
            "neither README.md nor docs/*.md documents {flag}"
        );
    }
    let readme = &documents[0].1;
    let codes = help.split("Exit codes:\n").nth(1).unwrap();
    for line in codes.lines().take_while(|l| l.starts_with("  ")) {
        let (code, meaning) = line.trim().split_once("  ").unwrap();
        let row = format!("| {code} | {}", meaning.trim());
        assert!(
            readme.contains(&row),
            "README.md lacks the exit code row {row:?}"
        );
    }
}

#[test]
fn the_readme_fits_in_a_sitting() {
    let lines = documents()[0].1.lines().count();
    assert!(
        lines <= 300,
        "README.md has {lines} lines; at most 300: move detail to docs/"
    );
}

/// GitHub's anchor for a heading: lowercase, spaces to hyphens, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every relative link of the documents (`](docs/x.md)`, `](x.md#anchor)`, `](#anchor)`)
/// leads to a file that exists, and an anchor to a heading of that file.
#[test]
fn relative_links_lead_somewhere() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut links = 0;
    for (name, text) in documents() {
        let dir = std::path::Path::new(&name).parent().unwrap();
        let mut fenced = false;
        for line in text.lines() {
            if line.starts_with("```") {
                fenced = !fenced;
            }
            if fenced {
                continue;
            }
            for (at, _) in line.match_indices("](") {
                let target = &line[at + 2..];
                let target = &target[..target.find(')').unwrap_or(target.len())];
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                links += 1;
                let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
                let file = if path.is_empty() {
                    root.join(&name)
                } else {
                    root.join(dir).join(path)
                };
                assert!(
                    file.exists(),
                    "{name}: the link ({target}) leads to no file"
                );
                if !fragment.is_empty() {
                    let headings = std::fs::read_to_string(&file).unwrap();
                    assert!(
                        headings
                            .lines()
                            .filter_map(|l| l.strip_prefix('#'))
                            .any(|h| anchor(h.trim_start_matches('#')) == fragment),
                        "{name}: the link ({target}) names no heading of {}",
                        file.display()
                    );
                }
            }
        }
    }
    assert!(links >= 10, "only {links} relative links found");
}

/// docs/architecture.md's module map names every module under src/, and nothing else.
#[test]
fn the_architecture_maps_every_module() {
    let root = env!("CARGO_MANIFEST_DIR");
    let map = std::fs::read_to_string(format!("{root}/docs/architecture.md")).unwrap();
    let mut modules = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(format!("{root}/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap().to_str().unwrap();
                modules.push(relative.to_string());
            }
        }
    }
    assert!(modules.len() > 20, "{modules:?}");
    for module in &modules {
        assert!(
            map.contains(&format!("- `{module}`: ")),
            "docs/architecture.md's module map lacks {module}"
        );
    }
    for line in map.lines().filter(|l| l.starts_with("- `src/")) {
        let named = line.trim_start_matches("- `").split('`').next().unwrap();
        assert!(
            modules.iter().any(|m| m == named),
            "docs/architecture.md maps {named}, which is not in src/"
        );
    }
}
