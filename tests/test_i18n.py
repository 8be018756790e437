"""The Simplified Chinese interface: every string of the GUI goes through Qt's translation
system, the shipped .ts is complete and its .qm compiled from it, and the real window started
under LANG=zh_CN.UTF-8 shows no English and still fits."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digitpad.gui import i18n

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "digitpad" / "translations" / "digitpad_zh_CN.ts"  # the source: in the repository only
QM = TS.with_suffix(".qm")
TOOLS = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(TOOLS)) or shutil.which(f"pyside6-{name}")
    if found is None:
        pytest.fail(f"pyside6-{name} is missing: it comes with PySide6-Essentials")
    return found


def test_every_gui_string_has_a_chinese_translation(tmp_path):
    """lupdate over the GUI's sources finds no string the shipped .ts lacks or leaves unfinished."""
    ts = tmp_path / TS.name
    shutil.copy(TS, ts)
    sources = sorted(str(p) for p in (ROOT / "digitpad" / "gui").glob("*.py"))
    subprocess.run([tool("lupdate"), "-locations", "none", *sources, "-ts", str(ts)], check=True, capture_output=True)
    text = ts.read_text(encoding="utf-8")
    unfinished = re.findall(r"<source>(.*?)</source>\s*<translation type=\"unfinished\"", text, re.S)
    assert unfinished == [], f"untranslated: {unfinished}"
    assert 'type="vanished"' not in text and 'type="obsolete"' not in text
    assert text.count("<message>") >= 200


def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path):
    qm = tmp_path / "out.qm"
    subprocess.run([tool("lrelease"), str(TS), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.read_bytes() == QM.read_bytes(), "run: pyside6-lrelease digitpad/translations/digitpad_zh_CN.ts"


def test_the_installed_package_ships_the_qm():
    """The .qm the app loads (the installed package's, or the checkout's) is the repository's."""
    assert (i18n.TRANSLATIONS_DIR / QM.name).read_bytes() == QM.read_bytes()


def test_translations_keep_their_placeholders():
    """A translation that loses {name} would raise or show the wrong text at run time."""
    text = TS.read_text(encoding="utf-8")
    pairs = re.findall(r"<source>(.*?)</source>\s*<translation>(.*?)</translation>", text, re.S)
    assert pairs
    for source, translation in pairs:
        assert sorted(re.findall(r"\{\w*\}", source)) == sorted(re.findall(r"\{\w*\}", translation)), source
        assert re.search(r"[\u4e00-\u9fff]", translation) or translation.strip() in {"{digit}", "MNIST"}, source


# Started as a user would (a fresh process, the language from the environment), the window walks
# its own widgets and prints what it shows; English words allowed are names and keys.
WALK = r"""
import json, os, sys
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu
from digitpad.gui.app import make_app
app = make_app()
from digitpad.gui.main_window import MainWindow
w = MainWindow()
w.show()
app.processEvents()
texts = [w.tabs.tabText(i) for i in range(w.tabs.count())]
texts += [w.statusBar().currentMessage(), w.model_label.text()]
menus = [a.menu() for a in w.menuBar().actions()]
while menus:
    menu = menus.pop()
    texts.append(menu.title())
    for action in menu.actions():
        if action.menu():
            menus.append(action.menu())
        elif not action.isSeparator():
            texts += [action.text(), action.toolTip()]
cut = []
for i in range(w.tabs.count()):
    w.tabs.setCurrentIndex(i)
    app.processEvents()
    for widget in w.tabs.currentWidget().findChildren(QAbstractButton) + w.tabs.currentWidget().findChildren(QLabel):
        if widget.isVisible():
            texts += [widget.text(), widget.toolTip()]
            if isinstance(widget, QAbstractButton) and widget.width() < widget.minimumSizeHint().width():
                cut.append(widget.text())
hint = w.minimumSizeHint()
print(json.dumps({"texts": texts, "cut": cut, "min": [hint.width(), hint.height()], "size": [w.width(), w.height()],
                  "language": app.property("digitpad_language")}))
w.close()
"""
ALLOWED = {"DigitPad", "MNIST", "Ctrl", "Shift", "Esc", "Delete", "TensorFlow", "GPU", "CPU", "SavedModel", "Lite",
           "MLP", "Dense", "Keras", "npz", "English"}  # fmt: skip


def english_words(text: str) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", text)  # rich text tags
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED}


def run_window(tmp_path, lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANGUAGE"}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen", DIGITPAD_DATA_DIR=str(tmp_path / "data"))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # QSettings of its own
    out = subprocess.run([sys.executable, "-c", WALK], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_window_speaks_chinese_under_a_chinese_locale(tmp_path):
    shown = run_window(tmp_path, "zh_CN.UTF-8")
    assert shown["language"] == "zh_CN"
    assert "书写" in shown["texts"] and "训练" in shown["texts"]
    left = {text: sorted(english_words(text)) for text in shown["texts"] if text and english_words(text)}
    assert left == {}, f"left in English: {left}"
    assert shown["cut"] == [], f"buttons too narrow for their text: {shown['cut']}"
    assert shown["min"][0] <= 1100 and shown["min"][1] <= 720, f"the layout needs {shown['min']}"


def test_the_window_stays_english_elsewhere(tmp_path):
    shown = run_window(tmp_path, "de_DE.UTF-8")  # a language DigitPad does not have: English
    assert shown["language"] == "en"
    assert "Draw" in shown["texts"] and "Train" in shown["texts"]


def test_view_language_menu_remembers_the_choice(qtbot, window):
    from PySide6.QtCore import QSettings

    assert set(window.language_actions) == {"", "en", "zh_CN"}
    assert window.language_actions[""].isChecked()  # follows the system until chosen
    window.language_actions["zh_CN"].trigger()
    assert QSettings().value(i18n.SETTING) == "zh_CN"
    assert i18n.effective_language() == "zh_CN"
    assert "started again" in window.statusBar().currentMessage()
    window.language_actions[""].trigger()
    assert i18n.chosen_language() == ""
