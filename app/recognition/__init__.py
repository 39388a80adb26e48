"""Recognition: image -> features (preprocessing), the training set, the k-nearest-neighbours model, its doubt."""
