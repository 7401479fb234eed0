#!/bin/sh
# Installs PassDesk from this unpacked folder.
#   ./install.sh            for the current user: ~/.local/opt/passdesk, menu entry, passdesk-admin in ~/.local/bin
#   sudo ./install.sh       for every user of the PC: /opt/passdesk, /usr/local/share, /usr/local/bin
#   ./install.sh --uninstall (or sudo ...) removes the program; the desk's data stays
#       (~/.local/share/PassDesk: database, backups; ~/.local/state/PassDesk/log: logs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then
    prefix=/opt/passdesk; share=/usr/local/share; bin=/usr/local/bin
else
    prefix="$HOME/.local/opt/passdesk"; share="${XDG_DATA_HOME:-$HOME/.local/share}"; bin="$HOME/.local/bin"
fi
remove() {
    rm -rf "$prefix"
    rm -f "$share/applications/passdesk.desktop" "$bin/passdesk" "$bin/passdesk-admin"
    find "$share/icons/hicolor" -name 'passdesk.png' -path '*/apps/*' -delete 2>/dev/null || true
    rm -f "$share/icons/hicolor/scalable/apps/passdesk.svg"
}
if [ "${1:-}" = "--uninstall" ]; then
    remove
    echo "PassDesk removed. The desk's data was kept."
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
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "PassDesk installed in $prefix. Check it with: $prefix/passdesk --self-test"
