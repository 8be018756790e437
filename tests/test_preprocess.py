import numpy as np
import pytest
from PIL import Image

from digitpad.reading.preprocess import (
    CENTER,
    center_of_mass,
    image_to_mnist,
    is_blank,
    smooth_sparse,
    stroke_thickness,
    strokes_to_mnist,
)

from helpers import render_strokes_png


def ink_box(image, level=0.5):
    rows = np.flatnonzero((image > level).any(axis=1))
    cols = np.flatnonzero((image > level).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def assert_same_image(a, b):
    """Equal but for the rasteriser's 1/8-pixel rounding of coordinates."""
    diff = np.abs(a - b)
    assert diff.max() < 0.1 and diff.mean() < 0.002, (diff.max(), diff.mean())


def transform(strokes, scale=1.0, dx=0.0, dy=0.0):
    return [[(x * scale + dx, y * scale + dy) for x, y in s] for s in strokes]


@pytest.mark.parametrize("blank", [None, [], [[]], [[], []]])
def test_blank_strokes_give_no_image(blank):
    assert is_blank(blank)
    assert strokes_to_mnist(blank) is None


def test_blank_pictures_give_no_image():
    assert image_to_mnist(Image.new("L", (200, 200), 255)) is None
    assert image_to_mnist(Image.new("L", (200, 200), 0)) is None
    assert image_to_mnist(np.full((50, 80), 255, np.uint8)) is None


def test_output_is_mnist_shaped(selftest_digits):
    for strokes in selftest_digits.values():
        image = strokes_to_mnist(strokes)
        assert image.shape == (28, 28) and image.dtype == np.float32
        assert 0.0 <= image.min() and image.max() <= 1.0
        row, col = center_of_mass(image)
        assert abs(row - CENTER) < 0.3 and abs(col - CENTER) < 0.3
        assert 19 <= max(ink_box(image)) <= 21  # the longer side is 20 px, as in MNIST


@pytest.mark.parametrize("dx,dy", [(500, 0), (0, 1234), (-80, 77.5)])
def test_strokes_do_not_depend_on_position(selftest_digits, dx, dy):
    for strokes in selftest_digits.values():
        assert_same_image(strokes_to_mnist(transform(strokes, dx=dx, dy=dy)), strokes_to_mnist(strokes))


@pytest.mark.parametrize("scale", [0.25, 3.0, 17.0])
def test_strokes_do_not_depend_on_size(selftest_digits, scale):
    for strokes in selftest_digits.values():
        assert_same_image(strokes_to_mnist(transform(strokes, scale=scale)), strokes_to_mnist(strokes))


def test_single_point_is_a_dot():
    image = strokes_to_mnist([[(10, 10)]])
    assert image is not None and image.max() > 0.5
    assert abs(center_of_mass(image)[0] - CENTER) < 0.3


def test_pictures_do_not_depend_on_pen_width(tmp_path, selftest_digits):
    for label in (0, 4, 7):
        thin = image_to_mnist(Image.open(render_strokes_png(selftest_digits[label], tmp_path / "a.png", pen=4)))
        thick = image_to_mnist(Image.open(render_strokes_png(selftest_digits[label], tmp_path / "b.png", pen=26)))
        # Without normalisation the thick digit carries ~2x the ink of the thin one.
        assert abs(thin.sum() - thick.sum()) / thin.sum() < 0.25
        assert np.abs(thin - thick).mean() < 0.08
        assert abs(stroke_thickness(thin) - stroke_thickness(thick)) < 1.0


def test_pictures_match_strokes(tmp_path, selftest_digits):
    for label, strokes in selftest_digits.items():
        picture = image_to_mnist(Image.open(render_strokes_png(strokes, tmp_path / "d.png", pen=12)))
        drawn = strokes_to_mnist(strokes)
        assert np.corrcoef(picture.ravel(), drawn.ravel())[0, 1] > 0.8, label


def test_polarity_does_not_matter(tmp_path, selftest_digits):
    dark = image_to_mnist(Image.open(render_strokes_png(selftest_digits[3], tmp_path / "d.png")))
    light = image_to_mnist(Image.open(render_strokes_png(selftest_digits[3], tmp_path / "l.png", dark_on_light=False)))
    np.testing.assert_allclose(dark, light, atol=1e-5)


def test_picture_position_does_not_matter(selftest_digits):
    from PIL import ImageDraw

    def picture(offset):
        img = Image.new("L", (400, 300), 255)
        draw = ImageDraw.Draw(img)
        for s in selftest_digits[2]:
            draw.line([(x * 1.5 + offset[0], y * 1.5 + offset[1]) for x, y in s], fill=0, width=10)
        return image_to_mnist(img)

    np.testing.assert_allclose(picture((20, 20)), picture((200, 130)), atol=1e-5)


def test_mnist_digits_survive_preprocessing(mnist):
    # An MNIST digit is already in MNIST's format: preprocessing should change it little.
    for image in mnist.x_test[:20]:
        again = image_to_mnist(image)
        original = image.astype(np.float32) / 255
        assert np.corrcoef(again.ravel(), original.ravel())[0, 1] > 0.85


def circle(points: int) -> list[list[float]]:
    return [[50 + 40 * np.cos(t), 50 + 40 * np.sin(t)] for t in np.linspace(0, 2 * np.pi, points)]


def test_a_rough_tablets_few_points_are_drawn_through_a_spline():
    dense = strokes_to_mnist([circle(200)])
    rough = [circle(9)]  # a 0 as a rough tablet records it: 8 segments, corners where the pen curved
    smoothed = strokes_to_mnist(rough)
    corners = np.asarray(rough[0])
    t = np.linspace(0, 1, 20, endpoint=False)[:, None]
    straight = np.vstack([a + (b - a) * t for a, b in zip(corners[:-1], corners[1:], strict=True)] + [corners[-1:]])
    as_polyline = strokes_to_mnist([straight])  # the same corners joined by straight lines
    assert np.abs(smoothed - dense).sum() < 0.5 * np.abs(as_polyline - dense).sum()
    # A pen's, a mouse's or a finger's points lie close: those strokes are drawn as they are.
    strokes = [np.asarray(circle(60)), np.array([[0.0, 0.0], [3.0, 90.0], [6.0, 180.0]])]
    kept = smooth_sparse(strokes)
    assert kept[0] is strokes[0] and len(kept[1]) > len(strokes[1])  # a long 3-point stroke is rough


def test_strokes_are_drawn_with_round_joints_as_pil_draws_them(selftest_digits):
    """The renderer draws a disc at each inner point instead of PIL's joint="curve" (three times
    faster); the pen data and the bundled model were rendered with PIL's joints, so the pixels
    must stay the same: a zigzag of sharp turns and the self-test digits."""
    from PIL import ImageDraw

    from digitpad.reading import preprocess

    zigzag = [[[x * 10.0, (x % 2) * 40.0] for x in range(8)]]
    for strokes in [zigzag, *selftest_digits.values()]:
        pts = np.concatenate([np.asarray(s, float) for s in strokes])
        origin, scale, offset, width = pts.min(0), 20 / np.ptp(pts, axis=0).max(), np.array([4.0, 4.0]), 2.4
        ours = preprocess._render(strokes, origin, scale, offset, width, thin=False)
        ss = preprocess.SUPERSAMPLE
        reference = Image.new("L", (preprocess.SIZE * ss,) * 2, 0)
        draw = ImageDraw.Draw(reference)
        for stroke in strokes:
            xy = [tuple(p) for p in ((np.asarray(stroke, float) - origin) * scale + offset) * ss]
            draw.line(xy, fill=255, width=round(width * ss), joint="curve")
            for x, y in (xy[0], xy[-1]):
                r = width * ss / 2
                draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        theirs = np.asarray(reference.reduce(ss), np.float32) / 255.0
        assert abs(ours.sum() - theirs.sum()) < 0.01 * theirs.sum()
        assert (np.abs(ours - theirs) > 0.1).mean() < 0.005
