#!/bin/sh
# Put curator in the desktop's application menu: the desktop entry, the AppStream metainfo and
# the icon in every size, under PREFIX/share (default ~/.local: this user only, no root).
#
#   sh packaging/linux/install-desktop-entry.sh                         # curator-gui on PATH
#   sh dist/curator/linux/install-desktop-entry.sh                      # from the app bundle
#   sh packaging/linux/install-desktop-entry.sh --prefix /usr/local --exec /opt/curator/curator-gui
#   sh packaging/linux/install-desktop-entry.sh --uninstall
#
# From a checkout, the menu entry runs `curator-gui` from PATH (a pip or pipx install); from the
# bundle, the bundle's own curator-gui by its full path. --exec names another.
set -e
id=io.github.curator.Curator
here=$(cd "$(dirname "$0")" && pwd)
prefix="$HOME/.local"
exec_path=""
uninstall=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --exec) exec_path="$2"; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
        *) echo "usage: $0 [--prefix DIR] [--exec PATH] [--uninstall]" >&2; exit 2 ;;
    esac
done
share="$prefix/share"
# The icons: the checkout's resources/, or the bundle's copy of curator.resources.
for icons in "$here/../../resources/icons/hicolor" "$here/../_internal/curator/resources/icons/hicolor"; do
    [ -d "$icons" ] && break
done
if [ ! -d "$icons" ]; then
    echo "$0: the icons are not beside this script (a checkout or the app bundle)" >&2
    exit 1
fi
if [ -z "$exec_path" ] && [ -x "$here/../curator-gui" ]; then
    exec_path=$(cd "$here/.." && pwd)/curator-gui
fi

sizes=$(cd "$icons" && ls -d *x*)
if [ -n "$uninstall" ]; then
    rm -f "$share/applications/$id.desktop" "$share/metainfo/$id.metainfo.xml" \
        "$share/icons/hicolor/scalable/apps/$id.svg"
    for size in $sizes; do rm -f "$share/icons/hicolor/$size/apps/$id.png"; done
else
    install -D -m 644 "$here/$id.desktop" "$share/applications/$id.desktop"
    install -D -m 644 "$here/$id.metainfo.xml" "$share/metainfo/$id.metainfo.xml"
    install -D -m 644 "$icons/scalable/apps/$id.svg" "$share/icons/hicolor/scalable/apps/$id.svg"
    for size in $sizes; do
        install -D -m 644 "$icons/$size/apps/$id.png" "$share/icons/hicolor/$size/apps/$id.png"
    done
    if [ -n "$exec_path" ]; then
        # the entry's Exec and TryExec name this executable (quoted: a path may hold spaces)
        quoted=$(printf '%s' "$exec_path" | sed 's/[\\"`$]/\\\\&/g')
        sed -i "s|^Exec=.*|Exec=\"$quoted\"|; s|^TryExec=.*|TryExec=$exec_path|" \
            "$share/applications/$id.desktop"
    fi
fi
# Menus and icon caches notice the change sooner; neither tool is needed.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
fi
