"""Work on many rows in bounded pieces, so memory stays flat whatever the table's size."""
import itertools


def chunks(items, size=5000):
    """Lists of up to `size` items from any iterable."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
