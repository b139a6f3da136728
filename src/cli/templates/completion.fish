# fish completion for docspace-guest !VERSION! (docspace-guest completions fish)
complete -c docspace-guest -f
!COMMANDS!
complete -c docspace-guest -n '__fish_seen_subcommand_from completions' -a '!SHELLS!'
complete -c docspace-guest -n '__fish_seen_subcommand_from help' -a '!COMMAND_NAMES!'
!FLAGS!
