#!/usr/bin/env bash
# Build DigitPad's Linux installer from a clean clone:
#   1. a build venv with the app and PyInstaller,
#   2. the PyInstaller one-folder app (packaging/digitpad.spec: model, MNIST, icons inside),
#   3. the .deb: /opt/digitpad, /usr/bin/digitpad, the desktop entry and hicolor icons.
# Output: packaging/dist/digitpad_VERSION_amd64.deb. Needs python3 (3.10+), dpkg-deb.
# DIGITPAD_NAIVE=1 builds PyInstaller's default folder instead (to measure against); no .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
build=packaging/build
mkdir -p "$build" packaging/dist
venv=$build/venv${DIGITPAD_NAIVE:+-naive}
if [ ! -x "$venv/bin/pyinstaller" ]; then
  python3 -m venv "$venv"
fi
if [ -n "${DIGITPAD_NAIVE:-}" ]; then
  # The naive build: what `pip install tensorflow` and PyInstaller's defaults give.
  "$venv/bin/pip" install -q tensorflow "PySide6-Essentials!=6.12.0" keras numpy pillow \
    pyqtgraph platformdirs pyinstaller
  "$venv/bin/pip" install -q --no-deps .
else
  "$venv/bin/pip" install -q '.[package]'
fi
dist=$build/dist${DIGITPAD_NAIVE:+-naive}
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$dist" --workpath "$build/work" packaging/digitpad.spec
if [ -n "${DIGITPAD_NAIVE:-}" ]; then
  du -sh "$dist/digitpad"
  exit 0
fi
# TensorFlow's libraries ship with full symbol tables (-200 MB); strip keeps the dynamic symbols.
# Only TensorFlow's: auditwheel-patched libraries (numpy's OpenBLAS) break when stripped.
find "$dist/digitpad/_internal/tensorflow" -name '*.so*' -type f -exec strip {} +

version=$("$venv/bin/python" -c "import digitpad; print(digitpad.__version__)")
root=$build/deb
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications"
cp -a "$dist/digitpad" "$root/opt/digitpad"
chmod -R u=rwX,go=rX "$root/opt/digitpad"
ln -s /opt/digitpad/digitpad "$root/usr/bin/digitpad"
install -m 644 assets/digitpad.desktop "$root/usr/share/applications/digitpad.desktop"
for size in 16 32 48 64 128 256; do
  install -D -m 644 "assets/icons/hicolor/${size}x${size}/apps/digitpad.png" \
    "$root/usr/share/icons/hicolor/${size}x${size}/apps/digitpad.png"
done
install -D -m 644 assets/icons/digitpad.svg "$root/usr/share/icons/hicolor/scalable/apps/digitpad.svg"
installed_kb=$(du -sk "$root" | cut -f1)
# Size budget: 60% of the naive build (1,682 MiB with `pip install tensorflow` and PyInstaller's
# defaults, measured 2026-11-29); a change that grows the app past it fails the build.
budget_mib=${SIZE_BUDGET_MIB:-1000}
if [ $((installed_kb / 1024)) -gt "$budget_mib" ]; then
  echo "installed size $((installed_kb / 1024)) MiB is over the budget of $budget_mib MiB" >&2
  exit 1
fi
cat > "$root/DEBIAN/control" <<CONTROL
Package: digitpad
Version: $version
Architecture: amd64
Maintainer: DigitPad developers <dev@digitpad.invalid>
Installed-Size: $installed_kb
Depends: libc6 (>= 2.28), libgl1, libegl1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, libdbus-1-3, libglib2.0-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-render-util0, libxcb-image0
Section: graphics
Priority: optional
Description: draw a digit and see it recognised live
 DigitPad recognises handwritten digits as you draw them with the mouse, a pen or
 a finger, using a Keras model that ships with the app. It can be retrained and
 taught your own handwriting. No network is needed. Includes MNIST (Yann LeCun,
 Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0).
CONTROL
for script in postinst postrm; do
  cat > "$root/DEBIAN/$script" <<'SCRIPT'
#!/bin/sh
set -e
# Let the desktop's application menu and icon theme see the change.
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
exit 0
SCRIPT
  chmod 755 "$root/DEBIAN/$script"
done
deb=packaging/dist/digitpad_${version}_amd64.deb
# xz level 6 by default; CI uses DEB_XZ_LEVEL=1 (minutes faster, a larger file).
dpkg-deb --root-owner-group -Zxz -z"${DEB_XZ_LEVEL:-6}" --threads-max="$(nproc)" --build "$root" "$deb" >/dev/null
echo "built $deb: $(du -h "$deb" | cut -f1) (installed $((installed_kb / 1024)) MiB)"
