#!/bin/sh
# Install the built bundle (dist/mesodesk) for the current user, with a menu entry.
# Usage: packaging/install-linux.sh [PREFIX]   (default PREFIX: ~/.local)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-"$HOME/.local"}
[ -x "$here/dist/mesodesk/mesodesk" ] || { echo "build it first: make bundle" >&2; exit 1; }
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications" "$prefix/share/icons/hicolor/scalable/apps"
rm -rf "$prefix/lib/mesodesk"
cp -a "$here/dist/mesodesk" "$prefix/lib/mesodesk"
ln -sf "$prefix/lib/mesodesk/mesodesk" "$prefix/bin/mesodesk"
cp "$here/packaging/mesodesk.svg" "$prefix/share/icons/hicolor/scalable/apps/mesodesk.svg"
sed "s|^Exec=mesodesk|Exec=$prefix/bin/mesodesk|" "$here/packaging/mesodesk.desktop" \
  > "$prefix/share/applications/mesodesk.desktop"
echo "mesodesk installed in $prefix/lib/mesodesk; start it from the menu or with $prefix/bin/mesodesk"
