"""Photos and scans of paper (issue 13): the picture path through `predict`, and its parts."""

from pathlib import Path

import numpy as np
from PIL import Image

from digitpad.reading import numbers, paper
from digitpad.reading.preprocess import image_to_mnist, open_picture

from helpers import render_strokes_png, run_cli

# Made by `python -m benchmarks.photos --write-fixtures`, except three of the benchmark's own photos
# (seed 0) of UJI dev drawings, saved at JPEG quality 90: s-shaped-5.jpg ("mix", the 12th drawing),
# an S-shaped 5 that was read "51" (its top hook cut off at a thin column); wide-8.jpg ("rotation",
# the 257th) and long-base-2.jpg ("perspective", the 146th), read "95" and "121": one connected
# digit cut into several at thin columns.
PHOTOS = Path(__file__).parent / "fixtures" / "photos"
EXPECTED = {
    "s-shaped-5.jpg": 5,
    "wide-8.jpg": 8,
    "long-base-2.jpg": 2,
    "uneven-light-3.jpg": 3,
    "border-shadow-5.jpg": 5,
    "ruled-7.jpg": 7,
    "grid-8.jpg": 8,
    "blue-ink-2.jpg": 2,
    "exif-rotated-4.jpg": 4,
    "pencil-3.jpg": 3,  # faint grey pencil: was "not a digit"
    "form-box-7.jpg": 7,  # in a form's printed box: was read as a 0
}


def test_predict_reads_photos_and_says_when_a_page_is_blank():
    files = [PHOTOS / name for name in EXPECTED] + [PHOTOS / "blank-ruled-page.jpg"]
    result = run_cli("predict", *map(str, files))
    lines = result.stdout.splitlines()
    for line, (name, digit) in zip(lines, EXPECTED.items(), strict=True):
        assert line.startswith(f"{PHOTOS / name}: {digit} ("), result.stdout
    assert "blank-ruled-page.jpg: no handwriting found in this picture" in result.stderr
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_the_exif_photo_is_stored_sideways():
    with Image.open(PHOTOS / "exif-rotated-4.jpg") as raw:
        assert raw.getexif()[0x0112] == 6
        width, height = raw.size
    upright = open_picture(PHOTOS / "exif-rotated-4.jpg")
    assert upright.size == (height, width)


def page(width=400, height=300, level=0.85):
    return np.full((height, width), level, np.float32)


def draw_one(gray, x=200, top=80, bottom=220, ink=0.1, pen=6):
    gray[top:bottom, x - pen // 2 : x + pen // 2] = ink
    return gray


def test_uneven_lighting_is_not_ink():
    gray = page() - np.linspace(0, 50 / 255, 400, dtype=np.float32)[None, :]  # 50 grey levels across
    ink = paper.find_ink(draw_one(gray, x=300))
    cols = np.flatnonzero(ink.max(axis=0) > 0)
    assert cols.min() >= 290 and cols.max() <= 310  # only the stroke; the darker side is paper


def test_border_shadow_and_ruled_lines_are_left_out_but_a_lone_1_stays():
    gray = page()
    gray[:, :40] *= 0.5  # a shadow over the left border
    for y in range(20, 300, 30):  # ruled lines, lighter than the pen
        gray[y : y + 2] = 0.55
    ink = paper.find_ink(draw_one(gray))
    assert ink[:, :60].max() == 0  # the shadow's edge is not ink
    assert ink[50, 250:].max() == 0 and ink[110, 250:].max() == 0  # the lines are not ink
    assert ink[80:220, 197:203].mean() > 0.8  # the pen stroke is, where it crosses a line too
    # One long straight stroke alone is a 1, not a ruled line.
    one = paper.find_ink(draw_one(page(), top=5, bottom=295))
    assert one[10:290, 197:203].mean() > 0.8


def test_a_shaded_page_edge_inside_the_picture_is_not_a_1_beside_the_digit():
    """A photo turned a little: the page's shaded left edge, half as dark as the pen, stops short
    of the picture's border (a benchmark photo of a 9 read "19"). Two pen strokes stay."""
    gray = page()
    gray[:, :12] = 0.95  # the desk's light fill around the turned page
    gray[20:280, 15:40] = 0.5  # the page's shaded edge: 40% darker than the paper
    gray = draw_one(draw_one(gray, x=300), x=200, pen=3)  # a thick and a thin pen stroke
    ink = paper.find_ink(gray)
    assert ink[:, :60].max() == 0
    assert ink[100:200, 298:302].mean() > 0.8 and ink[100:200, 199:201].mean() > 0.8


def test_light_on_dark_colour_16_bit_and_blank():
    dark = 1.0 - draw_one(page(), ink=0.1)  # chalk on a board
    assert paper.find_ink(dark)[100:200, 198:202].mean() > 0.8
    rgb = np.stack([page()] * 3, axis=2)
    rgb[80:220, 197:203] = (0.1, 0.15, 0.6)  # blue ink
    assert paper.find_ink(rgb)[100:200, 198:202].mean() > 0.8
    sixteen = Image.fromarray((draw_one(page()) * 65535).astype(np.uint16))
    assert image_to_mnist(sixteen) is not None
    rng = np.random.default_rng(0)
    noisy = page() + rng.normal(0, 0.03, (300, 400)).astype(np.float32)  # sensor noise, no ink
    assert paper.find_ink(noisy).max() == 0 and image_to_mnist(noisy) is None


def test_labelling_joins_diagonal_neighbours():
    mask = np.zeros((6, 8), bool)
    mask[1, 1:3] = mask[2, 3] = True  # touching at a corner: one part
    mask[4, 5:7] = True
    mask[5, 0] = True
    labels, count = paper.label(mask)
    assert count == 3
    assert labels[1, 1] == labels[2, 3] != labels[4, 5] != labels[5, 0]
    assert (labels > 0).sum() == mask.sum()


def form(cells: int, cell=(90, 110), line=0.35):
    """A form's row of printed boxes (a grey comb, one connected line drawing) on a white page."""
    gray = np.full((cell[1] + 80, cells * cell[0] + 80), 0.92, np.float32)
    top, left = 40, 40
    gray[top : top + 2, left : left + cells * cell[0] + 2] = line
    gray[top + cell[1] : top + cell[1] + 2, left : left + cells * cell[0] + 2] = line
    for i in range(cells + 1):
        gray[top : top + cell[1] + 2, left + i * cell[0] : left + i * cell[0] + 2] = line
    return gray, (top, left)


def test_a_number_written_in_a_forms_boxes_is_read_without_them(recognizer, selftest_digits, tmp_path):
    gray, (top, left) = form(4)
    for i, char in enumerate("2026"):
        png = render_strokes_png(selftest_digits[int(char)], tmp_path / f"{i}.png", size=(70, 90), pen=6, margin=12)
        digit = np.asarray(open_picture(png).convert("L"), np.float32) / 255
        box = gray[top + 12 : top + 102, left + i * 90 + 12 : left + i * 90 + 82]
        box[...] = np.minimum(box, digit)  # the digit in its box
    assert recognizer.read_picture(numbers.picture_of(1 - gray)).text == "2026"
    empty, _ = form(1)
    assert paper.find_ink(empty).max() == 0  # an empty box: nothing written


def test_a_box_cut_off_by_the_pictures_border_is_still_a_box(recognizer, selftest_digits, tmp_path):
    """A photo that misses the box's left side: its right side read as a 1 beside the digit."""
    gray, (top, left) = form(1, cell=(220, 260))  # a large box, a small digit in it
    gray, top = np.pad(gray, ((100, 100), (0, 0)), constant_values=gray[0, 0]), top + 100
    assert paper.find_ink(gray[:, left + 2 :]).max() == 0
    png = render_strokes_png(selftest_digits[0], tmp_path / "0.png", size=(70, 90), pen=4, margin=12)
    digit = np.asarray(open_picture(png).convert("L"), np.float32) / 255
    box = gray[top + 80 : top + 170, left + 60 : left + 130]
    box[...] = np.minimum(box, digit)
    assert recognizer.read_picture(numbers.picture_of(1 - gray[:, left + 2 :])).text == "0"


def test_faint_pencil_on_plain_paper_is_ink_but_noise_is_not():
    gray = draw_one(page(), ink=0.6, pen=4)  # 30% darker than the paper
    rng = np.random.default_rng(0)
    gray += rng.normal(0, 0.02, gray.shape).astype(np.float32)
    ink = paper.find_ink(gray)
    assert ink[90:210, 199:201].mean() > 0.8 and ink[:, :150].max() == 0


def test_a_sheet_on_a_darker_desk_is_read_without_the_desk(recognizer, selftest_digits, tmp_path):
    png = render_strokes_png(selftest_digits[3], tmp_path / "3.png", size=(160, 200), pen=8, margin=40)
    sheet = np.asarray(open_picture(png).convert("L"), np.float32) / 255 * 0.9
    desk = np.full((400, 500), 0.25, np.float32)  # the photo takes in the table around the page
    desk[100:300, 170:330] = sheet
    assert recognizer.read_picture(numbers.picture_of(1 - desk)).text == "3"
    desk[100:300, 170:330] = 0.9  # a blank sheet: nothing written
    assert paper.find_ink(desk).max() == 0


def test_a_white_on_black_digit_is_no_sheet_on_a_desk(mnist):
    # MNIST's own pictures (white ink on black) are ink on a dark ground, not a sheet on a desk.
    assert all(paper._page(image.astype(np.float32) / 255) is None for image in mnist.x_test[:500])
