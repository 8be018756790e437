"""`digitpad --gui-test`: open the real window, draw the self-test digits with mouse events,
read the guesses it shows, quit. Works offscreen (QT_QPA_PLATFORM=offscreen) and frozen."""

from __future__ import annotations

import sys
import time

from digitpad import resources
from digitpad.gui.app import display_problem, make_app
from digitpad.gui.main_window import MainWindow
from digitpad.gui.replay import draw_stroke, fit_strokes


def run_gui_test(out=None, timeout_s: float = 120) -> int:
    out = out or sys.stdout
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    app = make_app()
    started = time.perf_counter()
    window = MainWindow()
    window.show()
    window.start()
    print(f"window shown after {time.perf_counter() - started:.2f} s", file=out, flush=True)
    language, tab = app.property("digitpad_language"), window.tabs.tabText(0)
    print(f"interface language: {language} (first tab: {tab})", file=out, flush=True)
    if language != "en" and tab == "Draw":
        print(f"FAIL the {language} translations did not load", file=out)
        window.close()
        return 1
    deadline = time.perf_counter() + timeout_s

    def wait(condition) -> bool:
        while not condition():
            if time.perf_counter() > deadline:
                return False
            app.processEvents()
            time.sleep(0.005)
        return True

    wait(lambda: window.service.ready or "No model" in (window.last_error or ""))
    if not window.service.ready:
        print(f"FAIL model not ready: {window.last_error}", file=out)
        window.close()
        return 1
    name = window.service.loaded.name if window.service.loaded is not None else "?"
    print(f"model ready after {time.perf_counter() - started:.2f} s: {name}", file=out)
    page = window.draw_page
    canvas = page.canvas
    digits = resources.selftest_digits()
    failures = 0
    for sample in digits:
        page.clear_action.trigger()
        for stroke in fit_strokes(sample["strokes"], canvas.width(), canvas.height()):
            draw_stroke(canvas, stroke)
        latest = window.service.latest_request
        ok = wait(lambda latest=latest: page.shown_request == latest)
        shown = page.shown_text() if ok else "(nothing)"
        good = shown == str(sample["label"])
        failures += not good
        print(f"{'ok  ' if good else 'FAIL'} drew {sample['label']}, the window shows {shown}", file=out)
    window.close()
    print("GUI test passed" if not failures else f"GUI test FAILED ({failures})", file=out, flush=True)
    return 1 if failures else 0
