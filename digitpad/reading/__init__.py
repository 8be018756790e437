"""Reading: strokes and pictures to answers. The preprocessing that makes a 28x28 MNIST-like image
(`preprocess`, and `paper` for photos and scans), the number reader that cuts a drawing into digits
(`pieces`, `scoring`, `numbers`), the recogniser that holds a model and its answers (`answers`,
`recognizer`) and Show why's evidence maps (`explain`). Qt-free; imports `storage` and the base
modules, never `learning`."""
