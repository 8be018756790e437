"""Learning: data, networks and training. MNIST (`data`), rendered pen strokes (`pendata`), the
networks (`architectures`), augmentation, the training engine (`recipe`, `training`, `callbacks`),
fine-tuning on a person's samples (`finetune`) and export to other runtimes (`export`). Qt-free;
imports `reading`, `storage` and the base modules."""
