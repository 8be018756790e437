#!/usr/bin/env bash
# macOS: build DigitPad.app with the shared PyInstaller spec and wrap it in a .dmg.
# Run on a Mac (GitHub Actions' macos runner does): bash packaging/macos/build-dmg.sh
# Not run on this project's Linux machines.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv packaging/build/venv
packaging/build/venv/bin/pip install -q '.[package]'
packaging/build/venv/bin/pyinstaller --noconfirm --clean --distpath packaging/build/dist \
  --workpath packaging/build/work packaging/digitpad.spec
version=$(packaging/build/venv/bin/python -c "import digitpad; print(digitpad.__version__)")
mkdir -p packaging/dist packaging/build/dmg
rm -rf packaging/build/dmg/*
cp -R packaging/build/dist/DigitPad.app packaging/build/dmg/
ln -s /Applications packaging/build/dmg/Applications
hdiutil create -volname DigitPad -srcfolder packaging/build/dmg -ov -format UDZO \
  "packaging/dist/DigitPad-$version.dmg"
