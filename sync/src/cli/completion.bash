# bash completion for embassy-sync. Installed by `cmake --install` into
# share/bash-completion/completions/. The words come from the tool's own help
# (`embassy-sync help GROUP COMMAND`), so they are never out of date.
_embassy_sync() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local tool=${COMP_WORDS[0]} words=() i
    # The group and the command are the first words; options come after them.
    for ((i = 1; i < COMP_CWORD && i <= 2; i++)); do
        [[ ${COMP_WORDS[i]} == -* ]] && break
        words+=("${COMP_WORDS[i]}")
        [[ ${COMP_WORDS[i]} == kiosk || ${COMP_WORDS[i]} == coord || ${COMP_WORDS[i]} == help ]] || break
    done
    # A value: files and directories (every value option takes a path, a number or a fingerprint).
    case $prev in
        --dir | --data-dir | --out | --published) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --*file | --coordinator | --in | --pack | --pack-out | --csv | --html | --kiosk-key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    [[ ${words[0]-} == help ]] && words=("${words[@]:1}")
    local help
    help=$("$tool" help "${words[@]}" 2>/dev/null) || return
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(grep -oE -- '--[a-z][a-z-]*' <<<"$help" | sort -u)" -- "$cur"))
    elif grep -q '^Subcommands:' <<<"$help"; then
        COMPREPLY=($(compgen -W "$(sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' <<<"$help")" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _embassy_sync embassy-sync
