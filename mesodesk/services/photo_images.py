"""A photograph made safe to keep: read with Pillow, turned upright by its EXIF orientation,
converted to sRGB, scaled down to a long side of at most 2,400 px, and re-encoded as a new
JPEG that carries no metadata at all (no EXIF, GPS, XMP, ICC profile or comment): the
pixels are copied into a fresh image before it is written. A thumbnail (long side 256 px)
is made the same way.

Formats: JPEG and PNG always; HEIC/HEIF when the ``pillow-heif`` plugin is installed (it
is not a dependency of mesodesk). Anything else, a file that is not an image, a damaged
one, one over ``MAX_INPUT_BYTES`` or one that unpacks to more than ``MAX_PIXELS`` (a
decompression bomb) is refused with ``InvalidInput`` naming the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

from mesodesk.i18n import _
from mesodesk.services.errors import InvalidInput

MAX_INPUT_BYTES = 60 * 1024 * 1024  # a 48-megapixel phone photograph is about 25 MB
MAX_PIXELS = 120_000_000  # far above any camera's; a small file unpacking past it is a bomb
LONG_SIDE = 2400
THUMBNAIL_SIDE = 256
QUALITY = 88
THUMBNAIL_QUALITY = 80


@functools.cache
def _heif_available() -> bool:
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_heif_opener()
    return True


def readable_formats() -> tuple[str, ...]:
    """The formats a photograph may be added from on this computer."""
    return ("JPEG", "PNG", "HEIF") if _heif_available() else ("JPEG", "PNG")


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes  # JPEG, no metadata
    thumbnail: bytes  # JPEG, no metadata
    width: int
    height: int
    taken_on: dt.date | None  # the camera's DateTimeOriginal, if it had one


def _read_source(source: bytes | str | os.PathLike[str], field: str) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = _("the image")
    else:
        path = Path(source)
        name = str(path)
        try:
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise InvalidInput(_too_large(name), field=field)
            data = path.read_bytes()
        except FileNotFoundError:
            raise InvalidInput(_("{file}: no such file").format(file=name), field=field) from None
        except IsADirectoryError:
            raise InvalidInput(_("{file}: is a folder, not an image").format(file=name),
                               field=field) from None
        except OSError as error:
            raise InvalidInput(_("{file}: cannot be read ({reason})").format(
                file=name, reason=error.strerror or error), field=field) from None
    if not data:
        raise InvalidInput(_("{file}: is empty").format(file=name), field=field)
    if len(data) > MAX_INPUT_BYTES:
        raise InvalidInput(_too_large(name), field=field)
    return data, name


def _too_large(name: str) -> str:
    return _("{file}: is larger than {limit} MB; export a smaller copy of the photograph").format(
        file=name, limit=MAX_INPUT_BYTES // (1024 * 1024))


def _not_an_image(name: str) -> str:
    return _("{file}: is not an image mesodesk can read (it reads {formats})").format(
        file=name, formats=", ".join(readable_formats()))


def _taken_on(image: Image.Image) -> dt.date | None:
    """The date the camera took it (DateTimeOriginal, else DateTime), if it says so."""
    exif = image.getexif()
    text = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) \
        or exif.get(ExifTags.Base.DateTime)
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.strptime(text.strip()[:19], "%Y:%m:%d %H:%M:%S").date()
    except ValueError:
        return None


def _srgb(image: Image.Image) -> Image.Image:
    """The pixels in sRGB: a photograph with its own colour profile (Display P3, Adobe
    RGB) is converted before the profile is dropped, so its colours stay as they were."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                             outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: the pixels as they are
    return image


def _rgb(image: Image.Image) -> Image.Image:
    """Opaque RGB: transparency is laid on white (as on paper); 16-bit grey scaled to 8."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    # A fresh image holding the pixels only: nothing of the source's info, EXIF, XMP,
    # ICC profile or comments can reach the file.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def process_photo(source: bytes | str | os.PathLike[str], field: str = "file"
                  ) -> ProcessedPhoto:
    data, name = _read_source(source, field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(readable_formats())) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise InvalidInput(_("{file}: has {pixels} million pixels, more than "
                                         "mesodesk accepts ({limit} million)").format(
                        file=name, pixels=width * height // 1_000_000,
                        limit=MAX_PIXELS // 1_000_000), field=field)
                opened.load()
                taken_on = _taken_on(opened)
                upright = ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(_("{file}: unpacks to far more pixels than its size suggests and "
                             "was refused").format(file=name), field=field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(_not_an_image(name), field=field) from None
    picture = _rgb(_srgb(upright))
    picture.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    small = picture.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(image=_jpeg(picture, QUALITY), thumbnail=_jpeg(small, THUMBNAIL_QUALITY),
                          width=picture.width, height=picture.height, taken_on=taken_on)
