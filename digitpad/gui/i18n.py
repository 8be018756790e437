"""The interface's languages, through Qt's translation system: DigitPad's own strings
(`digitpad/translations/digitpad_<lang>.ts`, compiled to `.qm` beside it) and Qt's (standard
buttons and dialogs). The language follows the system unless View > Language chose one; a
change takes effect at the next start.

    pyside6-lupdate -locations none digitpad/gui/*.py -ts digitpad/translations/digitpad_zh_CN.ts
    pyside6-lrelease digitpad/translations/digitpad_zh_CN.ts   # writes the .qm beside it"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from digitpad.classes import NOT_A_DIGIT

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
# Language codes and their names, in their own language; "" follows the system.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
SETTING = "ui/language"


def chosen_language() -> str:
    """The language chosen in View > Language, or "" (the system's)."""
    value = QSettings().value(SETTING, "")
    return value if isinstance(value, str) and (value == "" or value in LANGUAGES) else ""


def effective_language() -> str:
    """The interface's language: the one chosen, else the system's if DigitPad has it, else English."""
    chosen = chosen_language()
    if chosen:
        return chosen
    for name in QLocale.system().uiLanguages():  # e.g. "zh-Hans-CN", "zh-CN", "en-GB"
        locale = QLocale(name)
        if locale.language() == QLocale.Language.Chinese and locale.script() != QLocale.Script.TraditionalHanScript:
            return "zh_CN"
        if locale.language() == QLocale.Language.English:
            return "en"
    return "en"


def install_translators(app) -> str:
    """Load the translations for the effective language into `app`; returns the language."""
    language = effective_language()
    app.setProperty("digitpad_language", language)
    if language == "en":
        return language
    translators = []
    ours = QTranslator(app)
    if ours.load(str(TRANSLATIONS_DIR / f"digitpad_{language}.qm")):
        translators.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt)
    for translator in translators:
        app.installTranslator(translator)
    app.setProperty("digitpad_translators", translators)  # kept alive with the app
    return language


# Texts several widgets share. Written out in full so that lupdate finds them.
def not_a_digit_text() -> str:
    """The answer shown for a drawing that is not a digit."""
    return QCoreApplication.translate("DigitPad", "Not a digit")


def class_text(label: int) -> str:
    """A class as people read it: "7", or "not a digit"."""
    return QCoreApplication.translate("DigitPad", "not a digit") if label == NOT_A_DIGIT else str(label)


def label_text(label: int) -> str:
    """A class in a sentence: "a 7", or "not a digit"."""
    if label == NOT_A_DIGIT:
        return class_text(label)
    return QCoreApplication.translate("DigitPad", "a {digit}").format(digit=label)


def qt_strings_without_translation() -> tuple[str, ...]:
    """Qt's own file dialog labels that Qt 6.11's qtbase_zh_CN.qm lacks (their source text gained
    a mnemonic, "&Look in:"), translated in DigitPad's .qm instead. Written out here so that
    lupdate keeps them; the dialog looks them up itself, under Qt's context "QFileDialog"."""
    return (
        QCoreApplication.translate("QFileDialog", "&Look in:"),
        QCoreApplication.translate("QFileDialog", "Files of &type:"),
    )
