#!/bin/sh
# Installs PassDesk from this unpacked folder.
#   ./install.sh                    for the current user: ~/.local/opt/passdesk, a menu entry,
#                                   passdesk and passdesk-admin in ~/.local/bin
#   sudo ./install.sh --system      for every user of the PC: /opt/passdesk, /usr/local
#   ./install.sh --uninstall        (add --system for a system install) removes the program;
#                                   the desk's data stays (~/.local/share/PassDesk: database,
#                                   backups; ~/.local/state/PassDesk/log: logs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
system=no; uninstall=no
for option in "$@"; do
    case "$option" in
        --system) system=yes ;;
        --uninstall) uninstall=yes ;;
        *) echo "unknown option: $option (use --system, --uninstall)" >&2; exit 2 ;;
    esac
done
if [ "$system" = yes ]; then
    [ "$(id -u)" = 0 ] || { echo "--system needs root: sudo $0 $*" >&2; exit 1; }
    prefix=/opt/passdesk; share=/usr/local/share; bin=/usr/local/bin
else
    prefix="$HOME/.local/opt/passdesk"; share="${XDG_DATA_HOME:-$HOME/.local/share}"; bin="$HOME/.local/bin"
fi
remove() {
    rm -rf "$prefix"
    rm -f "$share/applications/passdesk.desktop" "$bin/passdesk" "$bin/passdesk-admin"
    rm -f "$share"/icons/hicolor/*/apps/passdesk.png "$share/icons/hicolor/scalable/apps/passdesk.svg"
}
if [ "$uninstall" = yes ]; then
    remove
    echo "PassDesk removed from $prefix. The desk's data was kept."
    exit 0
fi
remove
mkdir -p "$prefix" "$share/applications" "$bin"
cp -a "$here/passdesk/." "$prefix/"
cp -a "$here/share/icons" "$share/"
sed "s|^Exec=passdesk|Exec=$prefix/passdesk|" "$here/share/applications/passdesk.desktop" \
    > "$share/applications/passdesk.desktop"
ln -sf "$prefix/passdesk" "$bin/passdesk"
ln -sf "$prefix/passdesk-admin" "$bin/passdesk-admin"
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
fi
echo "PassDesk installed in $prefix. Check it with: $prefix/passdesk --self-test"
