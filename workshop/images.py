"""Images people upload to be shown or drawn (logos, signatures, speakers' photos).

A small file can hold an image of hundreds of millions of pixels, which takes gigabytes once
decoded: the size in pixels is read from the header and checked against ``IMAGE_MAX_PIXELS``
before anything is decoded. An accepted image is kept re-encoded, no larger than it is shown and
without its metadata, and a PDF draws an image no larger than it needs.
"""

from __future__ import annotations

from io import BytesIO
from typing import BinaryIO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

LETTERHEAD_SIDE = 1200  # pixels: a logo or a signature is at most 60 mm wide in a PDF, 500 dpi
PHOTO_SIDE = 600  # pixels: a speaker's photo is shown at most 128 CSS pixels wide
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


class TooManyPixels(Exception):
    """The image is larger in pixels than ``IMAGE_MAX_PIXELS``."""


class Unreadable(Exception):
    """The file is not an image that can be read."""


def max_pixels() -> int:
    return int(current_app.config["IMAGE_MAX_PIXELS"])


def opened(file: BinaryIO) -> Image.Image:
    """The image, with only its header read; TooManyPixels or Unreadable."""
    file.seek(0)
    try:
        image = Image.open(file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels() from error  # Pillow's own bound is above ours
    except UNREADABLE as error:
        raise Unreadable() from error
    if image.width * image.height > max_pixels():
        image.close()
        raise TooManyPixels()
    return image


def check(file: BinaryIO) -> None:
    """TooManyPixels or Unreadable, unless the file is an image of an acceptable size that reads whole."""
    with opened(file) as image:
        try:
            image.verify()
        except UNREADABLE as error:
            raise Unreadable() from error


def reencoded(file: BinaryIO, side: int) -> bytes:
    """The image at most ``side`` pixels wide and high, upright, without metadata, in its own format."""
    with opened(file) as image:
        kind = image.format
        try:
            image = ImageOps.exif_transpose(drawable(image, side))
            out = BytesIO()
            image.save(out, format=kind, **SAVE_OPTIONS.get(kind, {}))
        except UNREADABLE as error:
            raise Unreadable() from error
    return out.getvalue()


SAVE_OPTIONS = {"JPEG": {"quality": 85}, "WEBP": {"quality": 85}, "PNG": {"optimize": True}}


def drawable(image: Image.Image, side: int) -> Image.Image:
    """``image`` decoded no larger than ``side`` (a JPEG at a half, a quarter or an eighth of its
    size when that is enough), in a mode that scales smoothly."""
    if image.mode in ("1", "P", "I", "I;16", "F", "PA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail((side, side))
    return image


def fitted(data: bytes, side: int) -> bytes:
    """``data`` as it is when the image is at most ``side`` pixels wide and high, else re-encoded
    to that size; TooManyPixels or Unreadable."""
    with opened(BytesIO(data)) as image:
        if max(image.size) <= side:
            return data
    return reencoded(BytesIO(data), side)
