# bash completion for docspace-guest !VERSION! (docspace-guest completions bash)
_docspace_guest() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        !FILE_FLAGS!) COMPREPLY=($(compgen -f -- "$cur")); return ;;
!CHOICE_CASES!
        !FREE_VALUE_FLAGS!) return ;;
    esac
    local i command=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            !VALUED_FLAGS!) ((i++)) ;;
            -*) ;;
            *) command=${COMP_WORDS[i]}; break ;;
        esac
    done
    local common="!COMMON_FLAGS!" words
    case $command in
        '') if [[ $cur == -* ]]; then words=$common; else words="!COMMANDS!"; fi ;;
        completions) words="!SHELLS!" ;;
        help) words="!COMMANDS!" ;;
!COMMAND_CASES!
        *) words=$common ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _docspace_guest docspace-guest
