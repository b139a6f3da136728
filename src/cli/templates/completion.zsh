#compdef docspace-guest
# zsh completion for docspace-guest !VERSION! (docspace-guest completions zsh)
_docspace_guest() {
  local -a commands common
  commands=(
!COMMANDS!
  )
  common=(
!COMMON_FLAGS!
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'docspace-guest command' commands
    return
  fi
  local command=$words[2]
  shift words
  (( CURRENT-- ))
  case $command in
    completions) _values 'shell' !SHELLS! ;;
    help) _describe -t commands 'command' commands ;;
!COMMAND_CASES!
  esac
}
if [ "$funcstack[1]" = "_docspace_guest" ]; then
  _docspace_guest "$@"
else
  compdef _docspace_guest docspace-guest
fi
